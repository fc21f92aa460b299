import type { IncomingMessage, ServerResponse } from 'node:http';
import { createStandinServer, respond } from '@kube-herald/standin-kit';
import { handleControl } from './control-api.js';
import { createEngine } from './engine.js';
import type { Engine } from './engine.js';
import { StandinError } from './errors.js';
import { readBody, sendJson } from './http-util.js';
import type { FaultSpec, RecordedMessage, StandinOptions, StandinStats } from './types.js';

/** Bodies are read up to this much (beyond the configured limit) so that an oversize one gets its own answer. */
const READ_CAP_BYTES = 1024 * 1024;
const HOOK_PATH = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/;

/** A running Feishu / Lark custom-bot stand-in. */
export interface FeishuStandin {
  /** Listens on 127.0.0.1 (`port` 0: a free one). */
  start(port?: number, host?: string): Promise<{ url: string }>;
  /** Stops listening, ends open connections. Idempotent. */
  close(): Promise<void>;
  /** Full webhook URL of a bot (`…/open-apis/bot/v2/hook/<token>`). */
  webhookFor(name: string): string;
  /** Every accepted message, oldest first; of one bot when named. */
  messages(botName?: string): readonly RecordedMessage[];
  /** Answers by code, per bot. */
  readonly answers: Readonly<Record<string, Readonly<Record<string, number>>>>;
  stats(): StandinStats;
  readonly faults: { inject(spec: FaultSpec): number; clear(): void };
  /** Forgets messages, counters and faults. */
  reset(): void;
}

async function handleHook(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> {
  const raw = await readBody(req, READ_CAP_BYTES);
  const action = await engine.handle({
    method: req.method ?? 'GET',
    token: decodeURIComponent(token),
    remote: req.socket.remoteAddress,
    raw,
  });
  respond(req, res, action, (answer) => sendJson(res, answer.status, answer.body));
}

/**
 * Creates a Feishu / Lark custom-bot stand-in that speaks the real protocol: the token in the path, the
 * body signature (`timestamp` seconds + `sign`) and its 1-hour window, IP allowlist, keywords, message
 * shape, body size, 100/min and 5/s per bot (code 11232), injected faults (5xx, delay, reset, throttle).
 * It records accepted messages and serves a JSON control API under `/_standin/`.
 */
export function createFeishuStandin(options: StandinOptions): FeishuStandin {
  const engine = createEngine(options);

  const webhookFor = (name: string): string => {
    const baseUrl = server.baseUrl;
    if (baseUrl === undefined) throw new StandinError('standin_not_started', 'stand-in is not started');
    const bot = options.bots.find((b) => b.name === name);
    if (bot === undefined) throw new StandinError('standin_unknown_bot', `no bot named ${name}`);
    return `${baseUrl}/open-apis/bot/v2/hook/${encodeURIComponent(bot.token)}`;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const hook = HOOK_PATH.exec(url.pathname);
    if (hook?.[1] !== undefined) return handleHook(engine, req, res, hook[1]);
    if (url.pathname.startsWith('/_standin/')) return handleControl(req, res, url, { engine, webhookFor });
    return sendJson(res, 404, { code: 404, msg: 'page not found' });
  };

  const server = createStandinServer({
    platform: 'feishu',
    route,
    log: options.log,
    listenFields: { bots: options.bots.length },
    internalError: (res) => sendJson(res, 500, { code: 500, msg: 'internal error' }),
    onClose: () => engine.close(),
  });

  return {
    start: (port, host) => server.start(port, host),
    close: () => server.close(),
    webhookFor,
    messages: (bot) => engine.messages(bot),
    get answers() {
      const out: Record<string, Record<string, number>> = {};
      for (const [name, st] of Object.entries(engine.stats().bots)) out[name] = { ...st.answers };
      return out;
    },
    stats: () => engine.stats(),
    faults: {
      inject(spec) {
        if (spec.bot !== undefined && !options.bots.some((b) => b.name === spec.bot)) {
          throw new StandinError('standin_unknown_bot', `no bot named ${spec.bot}`);
        }
        return engine.faults.inject(spec);
      },
      clear: () => engine.faults.clear(),
    },
    reset: () => engine.reset(),
  };
}
