import type { IncomingMessage, ServerResponse } from 'node:http';
import { createStandinServer, readBody, respond, sendJson } from '@kube-herald/standin-kit';
import { BODY_LIMIT_BYTES } from './checks.js';
import { handleControl } from './control-api.js';
import { createEngine } from './engine.js';
import type { Engine } from './engine.js';
import { StandinError } from './errors.js';
import { PAGE_HTML } from './page.js';
import { createSseHub } from './sse.js';
import type { FaultSpec, RecordedMessage, StandinOptions, StandinStats } from './types.js';

/** A running DingTalk stand-in. */
export interface DingtalkStandin {
  /** Listens on 127.0.0.1 (`port` 0: a free one). */
  start(port?: number, host?: string): Promise<{ url: string }>;
  /** Stops listening, ends streams and open connections. Idempotent. */
  close(): Promise<void>;
  /** Full webhook URL of a robot (`…/robot/send?access_token=…`). */
  webhookFor(name: string): string;
  /** Every accepted message, oldest first; of one robot when named. */
  messages(robotName?: string): readonly RecordedMessage[];
  /** Answers by errcode, per robot. */
  readonly answers: Readonly<Record<string, Readonly<Record<string, number>>>>;
  stats(): StandinStats;
  readonly faults: {
    inject(spec: FaultSpec): number;
    clear(): void;
  };
  clearFaults(): void;
  /** Forgets messages, counters, throttles and faults. */
  reset(): void;
}

function handleSend(engine: Engine, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  return readBody(req, BODY_LIMIT_BYTES).then(async (raw) => {
    const action = await engine.handle({
      method: req.method ?? 'GET',
      params: url.searchParams,
      remote: req.socket.remoteAddress,
      raw,
    });
    respond(req, res, action, (answer) => sendJson(res, 200, answer));
  });
}

/**
 * Creates a DingTalk custom-robot stand-in that speaks the real protocol (see DINGTALK.md): tokens,
 * signature and its 1-hour window, keywords, IP allowlist, body limit, the per-robot rate window then
 * a throttle period, injected faults. It records accepted messages, serves a control API under
 * `/_standin/` and a live page at `/`.
 */
export function createDingtalkStandin(options: StandinOptions): DingtalkStandin {
  const engine = createEngine(options);
  const sse = createSseHub(engine);

  const webhookFor = (name: string): string => {
    const baseUrl = server.baseUrl;
    if (baseUrl === undefined) throw new StandinError('standin_not_started', 'stand-in is not started');
    const robot = options.robots.find((r) => r.name === name);
    if (robot === undefined) throw new StandinError('standin_unknown_robot', `no robot named ${name}`);
    return `${baseUrl}/robot/send?access_token=${encodeURIComponent(robot.token)}`;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname === '/robot/send') return handleSend(engine, req, res, url);
    if (url.pathname.startsWith('/_standin/'))
      return handleControl(req, res, url, { engine, sse, webhookFor });
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE_HTML);
      return;
    }
    return sendJson(res, 404, { error: 'not found' });
  };

  const server = createStandinServer({
    platform: 'dingtalk',
    route,
    log: options.log,
    listenFields: { robots: options.robots.length },
    onClose: () => {
      sse.close();
      engine.close();
    },
  });

  return {
    start: (port, host) => server.start(port, host),
    close: () => server.close(),
    webhookFor,
    messages: (robotName) => engine.messages(robotName),
    get answers() {
      const out: Record<string, Record<string, number>> = {};
      for (const [name, st] of Object.entries(engine.stats().robots)) out[name] = { ...st.answers };
      return out;
    },
    stats: () => engine.stats(),
    faults: {
      inject(spec) {
        if (spec.robot !== undefined && !options.robots.some((r) => r.name === spec.robot)) {
          throw new StandinError('standin_unknown_robot', `no robot named ${spec.robot}`);
        }
        return engine.faults.inject(spec);
      },
      clear: () => engine.faults.clear(),
    },
    clearFaults: () => engine.faults.clear(),
    reset: () => engine.reset(),
  };
}
