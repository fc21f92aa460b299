import type { IncomingMessage, ServerResponse } from 'node:http';
import { createStandinServer, readBody, respond, sendJson } from '@kube-herald/standin-kit';
import { handleControl } from './control-api.js';
import { createEngine } from './engine.js';
import type { Engine } from './engine.js';
import { SlackStandinError } from './errors.js';
import type { FaultSpec, RecordedMessage, SlackStandinOptions, SlackStandinStats } from './types.js';

/** Request bodies are read up to this size; a longer one is cut and fails as `invalid_payload`. */
const BODY_CAP_BYTES = 512 * 1024;

/** A running Slack incoming-webhook stand-in. */
export interface SlackStandin {
  /** Listens on 127.0.0.1 (`port` 0: a free one). */
  start(port?: number, host?: string): Promise<{ url: string }>;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
  /** Full webhook URL of a channel (`…/services/T…/B…/secret`). */
  webhookFor(name: string): string;
  /** Every accepted message, oldest first; of one channel when named. */
  messages(channel?: string): readonly RecordedMessage[];
  stats(): SlackStandinStats;
  readonly faults: { inject(spec: FaultSpec): number; clear(): void };
  /** Forgets messages, counters, buckets and faults. */
  reset(): void;
}

async function handleSend(engine: Engine, req: IncomingMessage, res: ServerResponse, path: string) {
  const raw = await readBody(req, BODY_CAP_BYTES);
  const action = await engine.handle({ method: req.method ?? 'GET', path, raw });
  respond(req, res, action, ({ status, body, retryAfter }) => {
    // Slack answers webhooks with short text bodies (served as text/html)
    res.writeHead(status, {
      'content-type': 'text/html',
      'content-length': Buffer.byteLength(body),
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    });
    res.end(body);
  });
}

/**
 * Creates a Slack incoming-webhook stand-in that speaks the real protocol: `POST /services/T…/B…/secret`
 * with a JSON body; unknown webhooks 404 `no_service`; archived / prohibited channels 410 / 403; faults;
 * JSON, text-or-blocks and Block Kit limits (400 `invalid_payload`, `no_text`, `invalid_blocks`,
 * `too_many_attachments`); then the per-webhook rate (a token bucket, 1/s with a small burst) answered
 * 429 with `Retry-After`; `200 ok` otherwise. It records accepted messages and serves `/_standin/`.
 */
export function createSlackStandin(options: SlackStandinOptions): SlackStandin {
  const engine = createEngine(options);

  const webhookFor = (name: string): string => {
    const baseUrl = server.baseUrl;
    if (baseUrl === undefined)
      throw new SlackStandinError('slack_standin_not_started', 'stand-in is not started');
    const c = options.channels.find((ch) => ch.name === name);
    if (c === undefined)
      throw new SlackStandinError('slack_standin_unknown_channel', `no channel named ${name}`);
    return `${baseUrl}/services/${c.path}`;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname.startsWith('/services/')) {
      return handleSend(engine, req, res, url.pathname.slice('/services/'.length));
    }
    if (url.pathname.startsWith('/_standin/')) return handleControl(req, res, url, engine, webhookFor);
    return sendJson(res, 404, { error: 'not found' });
  };

  const server = createStandinServer({
    platform: 'slack',
    route,
    log: options.log,
    listenFields: { channels: options.channels.length },
    onClose: () => engine.close(),
  });

  return {
    start: (port, host) => server.start(port, host),
    close: () => server.close(),
    webhookFor,
    messages: (channel) => engine.messages(channel),
    stats: () => engine.stats(),
    faults: {
      inject(spec) {
        if (spec.channel !== undefined && !options.channels.some((c) => c.name === spec.channel)) {
          throw new SlackStandinError('slack_standin_unknown_channel', `no channel named ${spec.channel}`);
        }
        return engine.faults.inject(spec);
      },
      clear: () => engine.faults.clear(),
    },
    reset: () => engine.reset(),
  };
}
