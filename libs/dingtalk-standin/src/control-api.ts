import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultSpecParser, handleStandinControl } from '@kube-herald/standin-kit';
import type { Engine } from './engine.js';
import type { SseHub } from './sse.js';
import type { FaultMode, FaultSpec } from './types.js';

const MODES: readonly FaultMode[] = ['http5xx', 'errcode-1', 'delay', 'reset', 'throttle'];

/** Validates an untrusted fault spec (control API); returns a problem or the spec. */
export const parseFaultSpec = createFaultSpecParser<FaultSpec>({ modes: MODES, target: 'robot' });

/** Dependencies of the control API. */
export interface ControlDeps {
  readonly engine: Engine;
  readonly sse: SseHub;
  readonly webhookFor: (name: string) => string;
}

/**
 * Serves `/_standin/*`: `GET robots`, `GET messages[?robot=&after=<id>]`, `GET stats`,
 * `GET|POST|DELETE faults`, `POST reset`, `GET stream` (server-sent events).
 */
export async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, deps: ControlDeps) {
  const { engine } = deps;
  if (url.pathname === '/_standin/stream') return deps.sse.handle(req, res);
  await handleStandinControl(req, res, url, {
    views: {
      '/_standin/robots': () => ({
        robots: engine.robots().map((r) => ({
          name: r.name,
          keywords: r.keywords ?? [],
          signed: r.secret !== undefined,
          ipAllowlist: r.ipAllowlist ?? null,
          webhook: deps.webhookFor(r.name),
        })),
      }),
      '/_standin/stats': () => ({ ...engine.stats(), unmatched: engine.unmatched() }),
    },
    engine,
    parseFaultSpec,
    target: 'robot',
    names: () => engine.robots().map((r) => r.name),
  });
}
