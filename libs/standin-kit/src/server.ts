import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './http-util.js';

/** The logger a stand-in accepts (pino-compatible subset). */
export interface StandinServerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** How a stand-in's HTTP server behaves. */
export interface StandinServerOptions {
  /** Used in log lines: `<platform> stand-in listening`. */
  readonly platform: string;
  readonly route: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  readonly log?: StandinServerLogger | undefined;
  /** Extra fields of the "listening" log line (e.g. how many robots). */
  readonly listenFields?: Readonly<Record<string, unknown>>;
  /** Answers a request whose handler threw before writing; default 500 `{error: 'internal error'}`. */
  readonly internalError?: (res: ServerResponse) => void;
  /** Runs first on close (end streams, cancel delayed requests). */
  readonly onClose?: () => void;
}

/** The listening part of a stand-in. */
export interface StandinServer {
  /** Listens on 127.0.0.1 (`port` 0: a free one); a second call returns the first URL. */
  start(port?: number, host?: string): Promise<{ url: string }>;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
  /** `http://host:port` once started. */
  readonly baseUrl: string | undefined;
}

/** Creates a stand-in HTTP server around `options.route`. */
export function createStandinServer(options: StandinServerOptions): StandinServer {
  const internalError = options.internalError ?? ((res) => sendJson(res, 500, { error: 'internal error' }));
  let server: Server | undefined;
  let baseUrl: string | undefined;
  let closing: Promise<void> | undefined;

  const doClose = async (): Promise<void> => {
    options.onClose?.();
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
        options.route(req, res).catch((err: unknown) => {
          options.log?.warn({ err }, `${options.platform} stand-in request failed`);
          if (!res.headersSent) internalError(res);
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
      options.log?.info({ url: baseUrl, ...options.listenFields }, `${options.platform} stand-in listening`);
      return { url: baseUrl };
    },
    close() {
      closing ??= doClose();
      return closing;
    },
    get baseUrl() {
      return baseUrl;
    },
  };
}
