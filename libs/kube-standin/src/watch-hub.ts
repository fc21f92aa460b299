import type { ServerResponse } from 'node:http';
import type { Logger } from '@kube-herald/logging';
import { parseResourceVersion } from './list.js';
import { apiVersionOf, type ResourceView } from './resources.js';
import type { Matcher } from './selectors.js';
import { KubeApiError } from './status.js';
import type { Store } from './store.js';
import type { Change, KubeObject } from './types.js';

/** A WATCH request after query parsing. */
export interface WatchQuery {
  readonly view: ResourceView;
  readonly namespace: string | undefined;
  readonly match: Matcher;
  readonly resourceVersion: string | undefined;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents: boolean;
  readonly timeoutSeconds: number | undefined;
}

/** Counters kept by the hub. */
export interface WatchCounters {
  started: number;
  eventsSent: number;
  bookmarksSent: number;
  expiredSent: number;
}

/** All open watch connections, with the fault controls that act on them. */
export interface WatchHub {
  /** Validates the query (throws {@link KubeApiError} before any byte is sent), then streams. */
  serve(res: ServerResponse, q: WatchQuery): void;
  openCount(): number;
  counters(): Readonly<WatchCounters>;
  /** While stalled, connections stay open but nothing (not even bookmarks) is written. */
  setStalled(on: boolean): void;
  /** Ends every open watch: destroys the sockets, or ends the streams cleanly when `graceful`. */
  drop(graceful: boolean): number;
}

interface Conn {
  readonly res: ServerResponse;
  readonly queue: string[];
  endWhenFlushed: boolean;
  /** A flush is scheduled for the end of this turn of the event loop. */
  flushing: boolean;
}

/** Options of {@link createWatchHub}. */
export interface WatchHubOptions {
  readonly store: Store;
  readonly bookmarkIntervalMs: number;
  /**
   * BOOKMARKs on Event watches too. Off by default, as the real API server: it keeps no watch cache for
   * events, and watches served straight from etcd send no bookmarks (KUBE-API.md).
   */
  readonly eventBookmarks?: boolean;
  readonly log: Logger;
}

/** Creates the hub that serves `?watch=true` requests from the store's change feed. */
export function createWatchHub(options: WatchHubOptions): WatchHub {
  const { store, bookmarkIntervalMs, log } = options;
  const conns = new Set<Conn>();
  const counters: WatchCounters = { started: 0, eventsSent: 0, bookmarksSent: 0, expiredSent: 0 };
  let stalled = false;

  const flush = (c: Conn): void => {
    if (stalled || c.res.destroyed || c.res.writableEnded) return;
    if (c.queue.length > 0) c.res.write(c.queue.splice(0).join(''));
    if (c.endWhenFlushed) c.res.end();
  };
  // As the API server does (it flushes a watch response only when no further event is waiting), the lines
  // queued in one turn of the event loop leave in one write: a burst of events is not a write per event.
  const send = (c: Conn, line: object): void => {
    c.queue.push(`${JSON.stringify(line)}\n`);
    if (c.flushing) return;
    c.flushing = true;
    setImmediate(() => {
      c.flushing = false;
      flush(c);
    });
  };
  const bookmark = (view: ResourceView, annotations?: Record<string, string>): object => ({
    type: 'BOOKMARK',
    object: {
      kind: view.kind,
      apiVersion: apiVersionOf(view),
      metadata: { resourceVersion: String(store.currentRv()), ...(annotations ? { annotations } : {}) },
    },
  });

  function serve(res: ServerResponse, q: WatchQuery): void {
    const fromStart = !q.resourceVersion || q.resourceVersion === '0';
    const from = fromStart ? store.currentRv() : parseResourceVersion(q.resourceVersion ?? '');
    const inScope = (obj: KubeObject): boolean =>
      (q.namespace === undefined || obj.metadata.namespace === q.namespace) && q.match(obj);
    const relevant = (ch: Change): boolean => ch.storage === q.view.storage && inScope(ch.object);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const conn: Conn = { res, queue: [], endWhenFlushed: false, flushing: false };
    conns.add(conn);
    counters.started++;
    res.on('error', (err) => log.warn({ err }, 'watch response error'));

    let backlog: Change[];
    try {
      backlog = store.changesAfter(from);
    } catch (err) {
      if (!(err instanceof KubeApiError)) throw err;
      counters.expiredSent++;
      conn.endWhenFlushed = true;
      send(conn, { type: 'ERROR', object: err.status });
      res.on('close', () => conns.delete(conn));
      return;
    }
    if (fromStart) {
      for (const [, obj] of store.list(q.view.storage)) {
        if (!inScope(obj)) continue;
        counters.eventsSent++;
        send(conn, { type: 'ADDED', object: q.view.toView(obj) });
      }
      if (q.sendInitialEvents && q.allowBookmarks) {
        send(conn, bookmark(q.view, { 'k8s.io/initial-events-end': 'true' }));
      }
    }
    const deliver = (ch: Change): void => {
      if (!relevant(ch)) return;
      counters.eventsSent++;
      send(conn, { type: ch.type, object: q.view.toView(ch.object) });
    };
    backlog.forEach(deliver);
    const unsubscribe = store.subscribe(deliver);

    const timers: NodeJS.Timeout[] = [];
    if (q.allowBookmarks && (q.view.storage !== 'events' || options.eventBookmarks === true)) {
      timers.push(
        setInterval(() => {
          if (stalled) return;
          counters.bookmarksSent++;
          send(conn, bookmark(q.view));
        }, bookmarkIntervalMs),
      );
    }
    if (q.timeoutSeconds !== undefined && q.timeoutSeconds > 0) {
      timers.push(
        setTimeout(() => {
          conn.endWhenFlushed = true;
          flush(conn);
        }, q.timeoutSeconds * 1000),
      );
    }
    res.on('close', () => {
      unsubscribe();
      timers.forEach((t) => clearTimeout(t));
      conns.delete(conn);
    });
  }

  return {
    serve,
    openCount: () => conns.size,
    counters: () => ({ ...counters }),
    setStalled(on) {
      stalled = on;
      if (!on) conns.forEach(flush);
    },
    drop(graceful) {
      const all = [...conns];
      for (const c of all) {
        if (graceful) {
          c.endWhenFlushed = true;
          c.queue.length = 0;
          c.res.end();
        } else c.res.destroy();
      }
      return all.length;
    },
  };
}
