import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultSpecParser, handleStandinControl } from '@kube-herald/standin-kit';
import type { Engine } from './engine.js';
import type { FaultMode, FaultSpec } from './types.js';

const MODES: readonly FaultMode[] = ['http5xx', 'delay', 'reset', 'throttle'];

/** Validates an untrusted fault spec (control API); returns a problem or the spec. */
export const parseFaultSpec = createFaultSpecParser<FaultSpec>({
  modes: MODES,
  target: 'channel',
  numbers: ['retryAfterSeconds'],
});

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
  await handleStandinControl(req, res, url, {
    views: {
      '/_standin/channels': () => ({
        channels: engine.channels().map((c) => ({ name: c.name, webhook: webhookFor(c.name) })),
      }),
      '/_standin/stats': () => engine.stats(),
    },
    engine,
    parseFaultSpec,
    target: 'channel',
    names: () => engine.channels().map((c) => c.name),
  });
}
