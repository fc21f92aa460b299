import type { IncomingMessage, ServerResponse } from 'node:http';
import { createStandinServer, readBody, respond, sendJson } from '@kube-herald/standin-kit';
import { BODY_CAP_BYTES } from './checks.js';
import { handleControl } from './control-api.js';
import { createEngine } from './engine.js';
import type { Engine } from './engine.js';
import { WecomStandinError } from './errors.js';
import type {
  WecomFaultSpec,
  WecomRecordedMessage,
  WecomStandinOptions,
  WecomStandinStats,
} from './types.js';

/** The path of the group-robot API. */
export const SEND_PATH = '/cgi-bin/webhook/send';

/** A running WeCom group-robot stand-in. */
export interface WecomStandin {
  /** Listens on 127.0.0.1 (`port` 0: a free one). */
  start(port?: number, host?: string): Promise<{ url: string }>;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
  /** Full webhook URL of a robot (`…/cgi-bin/webhook/send?key=…`). */
  webhookFor(name: string): string;
  /** Every accepted message, oldest first; of one robot when named. */
  messages(robotName?: string): readonly WecomRecordedMessage[];
  stats(): WecomStandinStats;
  /** Answers by errcode of requests that matched no robot. */
  unmatched(): Readonly<Record<string, number>>;
  readonly faults: { inject(spec: WecomFaultSpec): number; clear(): void };
  /** Forgets messages, counters, throttles and faults. */
  reset(): void;
}

async function handleSend(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const raw = await readBody(req, BODY_CAP_BYTES);
  const action = await engine.handle({ method: req.method ?? 'GET', params: url.searchParams, raw });
  respond(req, res, action, (answer) => sendJson(res, 200, answer));
}

/**
 * Creates a WeCom group-robot stand-in that speaks the real protocol: `POST /cgi-bin/webhook/send?key=`,
 * HTTP 200 + `{errcode, errmsg}`, checks in the real order (key, JSON, msgtype, content, bytes, rate
 * 20/min per key), injected faults; it records accepted messages and serves `/_standin/` control routes.
 */
export function createWecomStandin(options: WecomStandinOptions): WecomStandin {
  const engine = createEngine(options);

  const webhookFor = (name: string): string => {
    const baseUrl = server.baseUrl;
    if (baseUrl === undefined)
      throw new WecomStandinError('wecom_standin_not_started', 'stand-in is not started');
    const robot = options.robots.find((r) => r.name === name);
    if (robot === undefined)
      throw new WecomStandinError('wecom_standin_unknown_robot', `no robot named ${name}`);
    return `${baseUrl}${SEND_PATH}?key=${encodeURIComponent(robot.key)}`;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname === SEND_PATH) return handleSend(engine, req, res, url);
    if (url.pathname.startsWith('/_standin/')) return handleControl(req, res, url, { engine, webhookFor });
    return sendJson(res, 404, { error: 'not found' });
  };

  const server = createStandinServer({
    platform: 'wecom',
    route,
    log: options.log,
    listenFields: { robots: options.robots.length },
    onClose: () => engine.close(),
  });

  return {
    start: (port, host) => server.start(port, host),
    close: () => server.close(),
    webhookFor,
    messages: (robotName) => engine.messages(robotName),
    stats: () => engine.stats(),
    unmatched: () => engine.unmatched(),
    faults: {
      inject(spec) {
        if (spec.robot !== undefined && !options.robots.some((r) => r.name === spec.robot)) {
          throw new WecomStandinError('wecom_standin_unknown_robot', `no robot named ${spec.robot}`);
        }
        return engine.faults.inject(spec);
      },
      clear: () => engine.faults.clear(),
    },
    reset: () => engine.reset(),
  };
}
