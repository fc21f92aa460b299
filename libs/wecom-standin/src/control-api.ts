import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from './engine.js';
import { parseFaultSpec } from './faults.js';
import { readBody, sendJson } from './http-util.js';

async function faultsRoute(req: IncomingMessage, res: ServerResponse, engine: Engine): Promise<void> {
  if (req.method === 'GET') return sendJson(res, 200, { faults: engine.faults.list() });
  if (req.method === 'DELETE') {
    engine.faults.clear();
    return sendJson(res, 200, { cleared: true });
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
  let input: unknown;
  try {
    const raw = await readBody(req, 64 * 1024);
    input = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as unknown);
  } catch {
    return sendJson(res, 400, { error: 'body is not JSON' });
  }
  const spec = parseFaultSpec(input);
  if (typeof spec === 'string') return sendJson(res, 400, { error: spec });
  if (spec.robot !== undefined && !engine.robots().some((r) => r.name === spec.robot)) {
    return sendJson(res, 400, { error: `robot: no robot named ${spec.robot}` });
  }
  return sendJson(res, 200, { id: engine.faults.inject(spec) });
}

/**
 * Serves `/_standin/*`: `GET robots`, `GET messages[?robot=&after=<id>]`, `GET stats`,
 * `GET|POST|DELETE faults`, `POST reset`.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: { readonly engine: Engine; readonly webhookFor: (name: string) => string },
): Promise<void> {
  const { engine } = deps;
  switch (url.pathname) {
    case '/_standin/robots':
      return sendJson(res, 200, {
        robots: engine.robots().map((r) => ({ name: r.name, webhook: deps.webhookFor(r.name) })),
      });
    case '/_standin/messages': {
      const robot = url.searchParams.get('robot') ?? undefined;
      const after = Number(url.searchParams.get('after') ?? '0');
      return sendJson(res, 200, { messages: engine.messages(robot).filter((m) => m.id > after) });
    }
    case '/_standin/stats':
      return sendJson(res, 200, { ...engine.stats(), unmatched: engine.unmatched() });
    case '/_standin/faults':
      return faultsRoute(req, res, engine);
    case '/_standin/reset':
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
      engine.reset();
      return sendJson(res, 200, { reset: true });
    default:
      return sendJson(res, 404, { error: 'not found' });
  }
}
