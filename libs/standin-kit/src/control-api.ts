import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StandinEngine } from './engine-core.js';
import { FAULTS_FULL, type FaultBase, type Faults } from './faults.js';
import { readBody, sendJson } from './http-util.js';

/** Control bodies are read up to this many bytes. */
const CONTROL_BODY_CAP = 64 * 1024;

/** What the shared `/_standin/` routes need from a stand-in. */
export interface SharedControl<S extends FaultBase> {
  readonly faults: Faults<S>;
  readonly parseFaultSpec: (input: unknown) => S | string;
  /** The key that names a robot / channel: the fault spec field and the `messages` query parameter. */
  readonly target: string;
  /** The names of the configured robots / channels. */
  readonly names: () => readonly string[];
  readonly messages: (name: string | undefined) => readonly { readonly id: number }[];
  readonly reset: () => void;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, CONTROL_BODY_CAP);
  if (raw.length === 0) return {};
  return JSON.parse(raw.toString('utf8')) as unknown;
}

async function faultsRoute<S extends FaultBase>(
  req: IncomingMessage,
  res: ServerResponse,
  ctl: SharedControl<S>,
): Promise<void> {
  if (req.method === 'GET') return sendJson(res, 200, { faults: ctl.faults.list() });
  if (req.method === 'DELETE') {
    ctl.faults.clear();
    return sendJson(res, 200, { cleared: true });
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
  let input: unknown;
  try {
    input = await readJson(req);
  } catch {
    return sendJson(res, 400, { error: 'body is not JSON' });
  }
  const spec = ctl.parseFaultSpec(input);
  if (typeof spec === 'string') return sendJson(res, 400, { error: spec });
  const name = (spec as unknown as Record<string, unknown>)[ctl.target];
  if (typeof name === 'string' && !ctl.names().includes(name)) {
    return sendJson(res, 400, { error: `${ctl.target}: no ${ctl.target} named ${name}` });
  }
  if (ctl.faults.full) return sendJson(res, 409, { error: FAULTS_FULL });
  return sendJson(res, 200, { id: ctl.faults.inject(spec) });
}

/**
 * Serves the `/_standin/*` routes every stand-in shares: `GET messages[?<target>=&after=<id>]`,
 * `GET|POST|DELETE faults`, `POST reset`. Resolves false when `url` is none of them.
 */
export async function handleSharedControl<S extends FaultBase>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctl: SharedControl<S>,
): Promise<boolean> {
  switch (url.pathname) {
    case '/_standin/messages': {
      const name = url.searchParams.get(ctl.target) ?? undefined;
      const after = Number(url.searchParams.get('after') ?? '0');
      sendJson(res, 200, { messages: ctl.messages(name).filter((m) => m.id > after) });
      return true;
    }
    case '/_standin/faults':
      await faultsRoute(req, res, ctl);
      return true;
    case '/_standin/reset':
      if (req.method !== 'POST') sendJson(res, 405, { error: 'method not allowed' });
      else {
        ctl.reset();
        sendJson(res, 200, { reset: true });
      }
      return true;
    default:
      return false;
  }
}

/** A stand-in's whole `/_standin/` API: its own JSON views and the shared routes over its engine. */
export interface StandinControl<S extends FaultBase> extends Pick<
  SharedControl<S>,
  'parseFaultSpec' | 'target' | 'names'
> {
  readonly engine: Pick<
    StandinEngine<never, unknown, S, { readonly id: number }, unknown>,
    'faults' | 'messages' | 'reset'
  >;
  /** JSON views by path (e.g. `/_standin/robots`, `/_standin/stats`), answered 200 to any method. */
  readonly views: Readonly<Record<string, () => unknown>>;
}

/** Serves `/_standin/*`: the stand-in's views, then the shared routes; anything else is a 404. */
export async function handleStandinControl<S extends FaultBase>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctl: StandinControl<S>,
): Promise<void> {
  const view = Object.hasOwn(ctl.views, url.pathname) ? ctl.views[url.pathname] : undefined;
  if (view !== undefined) return sendJson(res, 200, view());
  const { engine } = ctl;
  const shared = await handleSharedControl(req, res, url, {
    ...ctl,
    faults: engine.faults,
    messages: (name) => engine.messages(name),
    reset: () => engine.reset(),
  });
  if (!shared) sendJson(res, 404, { error: 'not found' });
}
