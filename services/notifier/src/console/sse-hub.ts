import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import { SECURITY_HEADERS, sendJson } from './http-util.js';

/** Open pages' live streams: one snapshot computed per period, sent to all of them. */
export interface SseHub {
  add(req: IncomingMessage, res: ServerResponse): void;
  /** Sends a fresh snapshot soon (after an action). */
  poke(): void;
  readonly clients: number;
  close(): void;
}

/** Options of {@link createSseHub}. */
export interface SseHubOptions {
  readonly snapshot: () => Promise<unknown>;
  readonly periodMs: number;
  readonly log: Logger;
  /** Streams open at once at most (default 50); more are answered 503. */
  readonly maxClients?: number;
}

/** Creates the hub; it polls only while a page is open. */
export function createSseHub(o: SseHubOptions): SseHub {
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let closed = false;
  const send = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) c.write(frame);
  };
  const tick = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      send('snapshot', await o.snapshot());
    } catch (err) {
      o.log.warn({ err, code: errorCode(err) }, 'console snapshot failed');
      send('problem', { error: 'snapshot failed (see the notifier log)' });
    } finally {
      running = false;
    }
  };
  const schedule = (ms: number): void => {
    clearTimeout(timer);
    if (closed || clients.size === 0) return;
    timer = setTimeout(() => {
      void tick().finally(() => schedule(o.periodMs));
    }, ms);
  };
  return {
    add(req, res) {
      if (clients.size >= (o.maxClients ?? 50)) {
        sendJson(res, 503, { error: 'too many open consoles' });
        return;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        connection: 'keep-alive',
      });
      res.write('retry: 2000\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      schedule(0);
    },
    poke: () => schedule(50),
    get clients() {
      return clients.size;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      for (const c of clients) c.end();
      clients.clear();
    },
  };
}
