import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BODY_CAP_BYTES } from './checks.js';
import { handleControl } from './control-api.js';
import { createEngine } from './engine.js';
import type { Engine } from './engine.js';
import { WecomStandinError } from './errors.js';
import { readBody, sendJson } from './http-util.js';
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
  switch (action.kind) {
    case 'answer':
      return sendJson(res, 200, action.answer);
    case 'http5xx':
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    case 'reset':
      req.socket.resetAndDestroy();
      return;
  }
}

/**
 * Creates a WeCom group-robot stand-in that speaks the real protocol: `POST /cgi-bin/webhook/send?key=`,
 * HTTP 200 + `{errcode, errmsg}`, checks in the real order (key, JSON, msgtype, content, bytes, rate
 * 20/min per key), injected faults; it records accepted messages and serves `/_standin/` control routes.
 */
export function createWecomStandin(options: WecomStandinOptions): WecomStandin {
  const engine = createEngine(options);
  let server: Server | undefined;
  let baseUrl: string | undefined;
  let closing: Promise<void> | undefined;

  const webhookFor = (name: string): string => {
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

  const doClose = async (): Promise<void> => {
    engine.close();
    const srv = server;
    if (srv === undefined) return;
    await new Promise<void>((resolve, reject) => {
      srv.close((err) => (err === undefined ? resolve() : reject(err)));
      srv.closeAllConnections();
    });
  };

  return {
    async start(port = 0, host = '127.0.0.1') {
      if (baseUrl !== undefined) return { url: baseUrl };
      const srv = createServer((req, res) => {
        route(req, res).catch((err: unknown) => {
          options.log?.warn({ err }, 'wecom stand-in request failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
          else res.destroy();
        });
      });
      server = srv;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host, () => resolve());
      });
      const addr = srv.address() as AddressInfo;
      const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      baseUrl = `http://${h}:${addr.port}`;
      options.log?.info({ url: baseUrl, robots: options.robots.length }, 'wecom stand-in listening');
      return { url: baseUrl };
    },
    close() {
      closing ??= doClose();
      return closing;
    },
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
