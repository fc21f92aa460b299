import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultSpecParser, handleStandinControl } from '@kube-herald/standin-kit';
import type { Engine } from './engine.js';
import type { WecomFaultMode, WecomFaultSpec } from './types.js';

const MODES: readonly WecomFaultMode[] = ['http5xx', 'errcode-1', 'delay', 'reset', 'throttle'];

/** Validates an untrusted fault spec (control API); returns a problem or the spec. */
export const parseFaultSpec = createFaultSpecParser<WecomFaultSpec>({ modes: MODES, target: 'robot' });

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
  await handleStandinControl(req, res, url, {
    views: {
      '/_standin/robots': () => ({
        robots: engine.robots().map((r) => ({ name: r.name, webhook: deps.webhookFor(r.name) })),
      }),
      '/_standin/stats': () => ({ ...engine.stats(), unmatched: engine.unmatched() }),
    },
    engine,
    parseFaultSpec,
    target: 'robot',
    names: () => engine.robots().map((r) => r.name),
  });
}
