import { apiVersionOf, type ResourceView } from './resources.js';
import type { Matcher } from './selectors.js';
import { badRequest, KubeApiError, statusObject } from './status.js';
import type { Store } from './store.js';
import type { JsonObject, KubeObject } from './types.js';

/** A LIST request after query parsing. */
export interface ListQuery {
  readonly namespace: string | undefined;
  readonly limit: number | undefined;
  readonly continueToken: string | undefined;
  readonly resourceVersion: string | undefined;
  readonly resourceVersionMatch: string | undefined;
  readonly match: Matcher;
  readonly selective: boolean;
}

interface ContinueKey {
  readonly rv: number;
  readonly start: string;
}

/** Encodes a continue token the way the API server does (base64 JSON with snapshot RV and start key). */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

function decodeContinue(token: string): ContinueKey {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
    if (parsed.v === 'meta.k8s.io/v1' && typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // fall through: any undecodable token is the same client error
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

/** Parses a client resourceVersion: an opaque string that must be one of ours (a decimal). */
export function parseResourceVersion(raw: string): number {
  if (!/^\d{1,15}$/.test(raw))
    throw badRequest(`Invalid value: "${raw}": resourceVersion must be a valid integer`);
  return Number(raw);
}

function expiredContinue(): KubeApiError {
  return new KubeApiError(
    statusObject(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    ),
  );
}

function snapshotRv(store: Store, q: ListQuery): { rv: number; start: string } {
  if (q.continueToken) {
    if (q.resourceVersion && q.resourceVersion !== '0') {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    const key = decodeContinue(q.continueToken);
    if (key.rv < store.oldestRv()) throw expiredContinue();
    return key;
  }
  const current = store.currentRv();
  if (!q.resourceVersion || q.resourceVersion === '0') return { rv: current, start: '' };
  const rv = parseResourceVersion(q.resourceVersion);
  if (rv > current) {
    throw new KubeApiError(
      statusObject(504, 'Timeout', `Timeout: Too large resource version: ${rv}, current: ${current}`),
    );
  }
  return { rv: q.resourceVersionMatch === 'Exact' ? rv : current, start: '' };
}

/** Answers a LIST (`kind: <Kind>List`) with paging, snapshots and selectors. */
export function listObjects(store: Store, view: ResourceView, q: ListQuery): JsonObject {
  const { rv, start } = snapshotRv(store, q);
  const entries = rv === store.currentRv() ? store.list(view.storage) : store.snapshot(view.storage, rv);
  const prefix = q.namespace !== undefined ? `${q.namespace}/` : '';
  const matching: Array<[string, KubeObject]> = entries.filter(
    ([key, obj]) => key >= start && key.startsWith(prefix) && q.match(obj),
  );
  const limit = q.limit && q.limit > 0 ? q.limit : matching.length;
  const page = matching.slice(0, limit);
  const metadata: JsonObject = { resourceVersion: String(rv) };
  const last = page[page.length - 1];
  if (matching.length > page.length && last) {
    metadata.continue = encodeContinue(rv, `${last[0]}\u0000`);
    if (!q.selective) metadata.remainingItemCount = matching.length - page.length;
  }
  return {
    kind: `${view.kind}List`,
    apiVersion: apiVersionOf(view),
    metadata,
    // As the real API server: the list carries kind/apiVersion, its items do not.
    items: page.map(([, obj]) => {
      const { kind: _kind, apiVersion: _apiVersion, ...item } = view.toView(obj);
      return item;
    }),
  };
}
