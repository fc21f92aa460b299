import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine, EngineEvent } from './engine.js';

const HEARTBEAT_MS = 5_000;

/** Server-sent events of the engine's changes, plus a stats heartbeat. */
export interface SseHub {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): void;
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Creates the hub. On connect a client gets `snapshot` (robots, messages, stats); then `message`
 * for each accepted message, `stats` after every answer and every 5 s, and `reset`.
 */
export function createSseHub(engine: Engine): SseHub {
  const clients = new Set<ServerResponse>();
  let heartbeat: NodeJS.Timeout | undefined;
  const broadcast = (chunk: string): void => {
    for (const res of clients) res.write(chunk);
  };
  const snapshot = (): unknown => ({
    robots: engine
      .robots()
      .map((r) => ({ name: r.name, keywords: r.keywords ?? [], signed: r.secret !== undefined })),
    messages: engine.messages(),
    stats: engine.stats(),
  });
  const onEvent = (e: EngineEvent): void => {
    if (clients.size === 0) return;
    if (e.type === 'message') broadcast(frame('message', e.message));
    else if (e.type === 'reset') broadcast(frame('reset', snapshot()));
    else broadcast(frame('stats', engine.stats()));
  };
  const unsubscribe = engine.subscribe(onEvent);
  const drop = (res: ServerResponse): void => {
    clients.delete(res);
    if (clients.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };
  return {
    handle(req, res) {
      res.writeHead(200, {
        'content-type': 'text/event-stream;charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(`retry: 1000\n${frame('snapshot', snapshot())}`);
      clients.add(res);
      heartbeat ??= setInterval(() => broadcast(frame('stats', engine.stats())), HEARTBEAT_MS).unref();
      req.on('close', () => drop(res));
    },
    close() {
      unsubscribe();
      for (const res of clients) res.end();
      clients.clear();
      if (heartbeat !== undefined) clearInterval(heartbeat);
      heartbeat = undefined;
    },
  };
}
