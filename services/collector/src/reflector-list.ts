import { KhError } from '@kube-herald/errors';
import { kubeHttpError } from './kube-client.js';
import type { ReflectorState } from './reflector-state.js';
import { isHeartbeatEvent } from './watch-heartbeat.js';

// A real API server's LIST items carry no kind/apiVersion (the list does): they are filled in here, so
// that normalize reads the API they came from instead of guessing it from the shape.
function deliverPage(
  st: ReflectorState,
  items: unknown[],
  apiVersion: unknown,
  lastRv: string | undefined,
): void {
  const observedAt = st.now();
  const last = items.length - 1;
  for (let i = 0; i <= last; i++) {
    const object = items[i] as Record<string, unknown> | null;
    if (isHeartbeatEvent(object)) continue;
    if (object && typeof object === 'object' && object.apiVersion === undefined) {
      object.apiVersion = apiVersion;
      object.kind = 'Event';
    }
    const position = i === last && lastRv ? { scope: st.scope, rv: lastRv } : undefined;
    st.sink(
      position ? { type: 'LISTED', object, observedAt, position } : { type: 'LISTED', object, observedAt },
    );
  }
}

/**
 * Lists every Event of the reflector's scope, page by page (each page waits while the reflector is
 * paused), delivering them as LISTED; resolves with the list's resourceVersion (where the watch starts).
 */
export async function listAll(
  st: ReflectorState,
  pageSize: number,
  waitResumed: () => Promise<void>,
): Promise<string> {
  const { path } = st;
  st.metrics.relists.inc({ reason: st.relistReason });
  st.relistReason = 'error'; // what the next LIST is for if this one fails
  let cont: string | undefined;
  let listRv: string | undefined;
  do {
    await waitResumed();
    if (st.closed) throw new KhError('collector_closed', 'source closed during LIST');
    const q = new URLSearchParams({ limit: String(pageSize) });
    if (cont) q.set('continue', cont);
    const res = await st.client.request('GET', `${path}?${q.toString()}`);
    if (res.status !== 200) throw kubeHttpError(res.status, `LIST ${path}`, res.body);
    const page = res.body as {
      apiVersion?: unknown;
      items?: unknown;
      metadata?: { resourceVersion?: unknown; continue?: unknown };
    };
    if (!Array.isArray(page?.items)) throw new KhError('kube_bad_list', `LIST ${path}: no items array`);
    listRv ??= typeof page.metadata?.resourceVersion === 'string' ? page.metadata.resourceVersion : undefined;
    cont =
      typeof page.metadata?.continue === 'string' && page.metadata.continue
        ? page.metadata.continue
        : undefined;
    deliverPage(st, page.items as unknown[], page.apiVersion, cont || !listRv ? undefined : listRv);
  } while (cont);
  if (!listRv) throw new KhError('kube_bad_list', `LIST ${path}: no resourceVersion`);
  st.listed = true;
  return listRv;
}
