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
  if (spec.channel !== undefined && !engine.channels().some((c) => c.name === spec.channel)) {
    return sendJson(res, 400, { error: `channel: no channel named ${spec.channel}` });
  }
  return sendJson(res, 200, { id: engine.faults.inject(spec) });
}

/**
 * Serves `/_standin/*`: `GET channels`, `GET messages[?channel=&after=<id>]`, `GET stats`,
 * `GET|POST|DELETE faults`, `POST reset`.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  engine: Engine,
  webhookFor: (name: string) => string,
): Promise<void> {
  switch (url.pathname) {
    case '/_standin/channels':
      return sendJson(res, 200, {
        channels: engine.channels().map((c) => ({ name: c.name, webhook: webhookFor(c.name) })),
      });
    case '/_standin/messages': {
      const channel = url.searchParams.get('channel') ?? undefined;
      const after = Number(url.searchParams.get('after') ?? '0');
      return sendJson(res, 200, { messages: engine.messages(channel).filter((m) => m.id > after) });
    }
    case '/_standin/stats':
      return sendJson(res, 200, engine.stats());
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
