import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultSpecParser, FAULTS_FULL } from '@kube-herald/standin-kit';
import type { Engine } from './engine.js';
import { readBody, sendJson } from './http-util.js';
import type { FaultMode, FaultSpec } from './types.js';

const MODES: readonly FaultMode[] = ['http5xx', 'delay', 'reset', 'throttle'];

/** Validates an untrusted fault spec (control API); returns a problem or the spec. */
export const parseFaultSpec = createFaultSpecParser<FaultSpec>({ modes: MODES, target: 'bot' });

/**
 * The control API under `/_standin/`: `GET messages[?bot=]`, `GET stats`, `GET bots` (name and webhook),
 * `POST faults` (a FaultSpec), `DELETE faults`, `POST reset`.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: { readonly engine: Engine; readonly webhookFor: (name: string) => string },
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${url.pathname.slice('/_standin/'.length)}`;
  switch (route) {
    case 'GET messages':
      return sendJson(res, 200, ctx.engine.messages(url.searchParams.get('bot') ?? undefined));
    case 'GET stats':
      return sendJson(res, 200, { ...ctx.engine.stats(), unmatched: ctx.engine.unmatched() });
    case 'GET bots':
      return sendJson(
        res,
        200,
        ctx.engine.bots().map((b) => ({ name: b.name, webhook: ctx.webhookFor(b.name), signed: !!b.secret })),
      );
    case 'POST faults': {
      let input: unknown;
      try {
        input = JSON.parse((await readBody(req, 4096)).toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'body must be JSON' });
      }
      const spec = parseFaultSpec(input);
      if (typeof spec === 'string') return sendJson(res, 400, { error: spec });
      if (spec.bot !== undefined && !ctx.engine.bots().some((b) => b.name === spec.bot)) {
        return sendJson(res, 400, { error: `no bot named ${spec.bot}` });
      }
      if (ctx.engine.faults.full) return sendJson(res, 409, { error: FAULTS_FULL });
      return sendJson(res, 200, { id: ctx.engine.faults.inject(spec) });
    }
    case 'DELETE faults':
      ctx.engine.faults.clear();
      return sendJson(res, 200, { cleared: true });
    case 'POST reset':
      ctx.engine.reset();
      return sendJson(res, 200, { reset: true });
    default:
      return sendJson(res, 404, { error: 'not found' });
  }
}
