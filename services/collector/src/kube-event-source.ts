import { KhError, errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { EventSink, EventSource } from './event-source.js';
import { kubeHttpError, type KubeClient, type WatchHandle } from './kube-client.js';
import type { CollectorMetrics } from './metrics.js';

/** Which Event API to read. */
export type EventsApi = 'core/v1' | 'events.k8s.io/v1';

/** Options of {@link createKubeEventSource}. */
export interface KubeEventSourceOptions {
  readonly client: KubeClient;
  readonly api: EventsApi;
  /** Empty: cluster-wide. */
  readonly namespaces: readonly string[];
  readonly pageSize: number;
  readonly watchTimeoutSeconds: number;
  /** A watch silent (no line, no bookmark) for this long is restarted. */
  readonly stallTimeoutMs: number;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  readonly now?: () => number;
  /** First retry delay after a failure (doubles up to 30 s). */
  readonly retryBaseMs?: number;
  /** A watch paused (backpressure) for longer than this is ended; default {@link MAX_WATCH_PAUSE_MS}. */
  readonly maxWatchPauseMs?: number;
}

/**
 * How long a paused watch keeps its connection. A short pause (the buffer refilling while Kafka catches up)
 * holds the stream open: the server's writes wait in the socket buffers, nothing is re-sent. A long one
 * (Kafka down for minutes) must not hold a connection and the server's buffers forever, nor resume into a
 * backlog the server may have compacted meanwhile: the watch is ended and resume() opens a new one from
 * the last delivered resourceVersion (as every pause did before).
 */
export const MAX_WATCH_PAUSE_MS = 10_000;

/** The collection path of Events for an API and an optional namespace. */
export function eventsPath(api: EventsApi, namespace?: string): string {
  const root = api === 'core/v1' ? '/api/v1' : '/apis/events.k8s.io/v1';
  return namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/events` : `${root}/events`;
}

/** List+watch of Events, cluster-wide or one reflector per namespace. */
export function createKubeEventSource(options: KubeEventSourceOptions): EventSource {
  const scopes = options.namespaces.length ? options.namespaces : [undefined];
  const reflectors = scopes.map((ns) => createReflector(options, ns));
  return {
    async start(sink) {
      await Promise.all(reflectors.map((r) => r.start(sink)));
    },
    pause: () => reflectors.forEach((r) => r.pause()),
    resume: () => reflectors.forEach((r) => r.resume()),
    synced: () => reflectors.every((r) => r.synced()),
    async close() {
      await Promise.all(reflectors.map((r) => r.close()));
    },
  };
}

type EndReason = 'closed' | 'stall' | 'expired' | 'error' | 'backpressure' | 'shutdown';
interface WatchEnd {
  readonly reason: EndReason;
  readonly err?: unknown;
}

function resourceVersionOf(obj: unknown): string | undefined {
  const meta = (obj as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof meta?.resourceVersion === 'string' && meta.resourceVersion ? meta.resourceVersion : undefined;
}

function statusOf(obj: unknown): { code: number | undefined; message: string } {
  const s = (obj ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof s.code === 'number' ? s.code : undefined,
    message: typeof s.message === 'string' ? s.message : 'watch error',
  };
}

/** True for 410 Gone / Expired, from a LIST (continue token or RV) or a watch ERROR. */
function isGone(err: unknown): boolean {
  return err instanceof KhError && err.details?.status === 410;
}

function createReflector(o: KubeEventSourceOptions, namespace: string | undefined): EventSource {
  const log = o.log.child({ component: 'reflector', api: o.api, namespace: namespace ?? '*' });
  const path = eventsPath(o.api, namespace);
  const now = o.now ?? Date.now;
  const maxPauseMs = o.maxWatchPauseMs ?? MAX_WATCH_PAUSE_MS;
  let sink: EventSink = () => undefined;
  let rv: string | undefined;
  let relistReason = 'initial';
  let paused = false;
  let closed = false;
  let listed = false;
  let loop: Promise<void> | undefined;
  let current: { stop(reason: EndReason): void; pause(): void; resume(): void } | undefined;
  let wake: (() => void) | undefined;

  const pauseWait = (ms?: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const waitResumed = async (): Promise<void> => {
    while (paused && !closed) await pauseWait();
  };

  async function listAll(): Promise<string> {
    o.metrics.relists.inc({ reason: relistReason });
    relistReason = 'error'; // what the next LIST is for if this one fails
    let cont: string | undefined;
    let listRv: string | undefined;
    do {
      await waitResumed();
      if (closed) throw new KhError('collector_closed', 'source closed during LIST');
      const q = new URLSearchParams({ limit: String(o.pageSize) });
      if (cont) q.set('continue', cont);
      const res = await o.client.request('GET', `${path}?${q.toString()}`);
      if (res.status !== 200) throw kubeHttpError(res.status, `LIST ${path}`, res.body);
      const page = res.body as {
        items?: unknown;
        metadata?: { resourceVersion?: unknown; continue?: unknown };
      };
      if (!Array.isArray(page?.items)) throw new KhError('kube_bad_list', `LIST ${path}: no items array`);
      const observedAt = now();
      for (const object of page.items as unknown[]) sink({ type: 'LISTED', object, observedAt });
      listRv ??=
        typeof page.metadata?.resourceVersion === 'string' ? page.metadata.resourceVersion : undefined;
      cont =
        typeof page.metadata?.continue === 'string' && page.metadata.continue
          ? page.metadata.continue
          : undefined;
    } while (cont);
    if (!listRv) throw new KhError('kube_bad_list', `LIST ${path}: no resourceVersion`);
    listed = true;
    return listRv;
  }

  function onLine(type: string, obj: unknown, finish: (end: WatchEnd) => void): void {
    const lineRv = resourceVersionOf(obj);
    switch (type) {
      case 'BOOKMARK':
        if (lineRv) rv = lineRv;
        return;
      case 'ERROR': {
        const { code, message } = statusOf(obj);
        const err = new KhError(`kube_watch_${code ?? 'error'}`, message, { details: { status: code } });
        finish({ reason: code === 410 ? 'expired' : 'error', err });
        return;
      }
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        sink({ type, object: obj, observedAt: now() });
        if (lineRv) rv = lineRv;
        return;
      default:
        log.warn({ type }, 'unknown watch event type ignored');
        o.metrics.watchRestarts.inc({ reason: 'unknown_type' });
    }
  }

  function watchOnce(from: string): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      let ended = false;
      let handle: WatchHandle | undefined;
      let timer: NodeJS.Timeout | undefined;
      let pauseTimer: NodeJS.Timeout | undefined;
      // If the watch ends while paused (server timeout, closed connection, the pause bound), the lines the
      // client still held are dropped with it: rv only moved for delivered lines, so the next watch (opened
      // on resume) starts right after the last delivered one and the server sends the rest again, in order.
      const finish = (end: WatchEnd): void => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        clearTimeout(pauseTimer);
        current = undefined;
        handle?.abort();
        resolve(end);
      };
      const kick = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ reason: 'stall' }), o.stallTimeoutMs);
      };
      current = {
        stop: (reason) => finish({ reason }),
        pause() {
          // No handle yet (the answer still on its way; the sink only pauses from inside a line or a LIST,
          // so this is not expected): end it as before, the resume watches again from rv.
          if (!handle) return finish({ reason: 'backpressure' });
          clearTimeout(timer); // paused time is not silence: the watchdog restarts on resume
          handle.pause();
          clearTimeout(pauseTimer);
          pauseTimer = setTimeout(() => finish({ reason: 'backpressure' }), maxPauseMs);
        },
        resume() {
          clearTimeout(pauseTimer);
          kick();
          handle?.resume(); // held lines first; one of them may pause again
        },
      };
      kick();
      const query = {
        resourceVersion: from,
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(o.watchTimeoutSeconds),
      };
      const line = (type: string, obj: unknown): void => {
        if (ended) return; // lines after a stop are not consumed: the RV stays before them
        kick();
        onLine(type, obj, finish);
      };
      const done = (err: unknown): void => finish(err ? { reason: 'error', err } : { reason: 'closed' });
      o.client.watch(path, query, line, done).then(
        (h) => {
          handle = h;
          if (ended) h.abort();
        },
        (err: unknown) => finish({ reason: 'error', err }),
      );
    });
  }

  async function cycle(): Promise<boolean> {
    if (rv === undefined) rv = await listAll();
    if (closed || paused) return true;
    const end = await watchOnce(rv);
    if (end.reason === 'shutdown') return true;
    o.metrics.watchRestarts.inc({ reason: end.reason });
    if (end.reason === 'expired') {
      log.info({ err: end.err, rv }, 'watch expired (410); listing again');
      rv = undefined;
      relistReason = 'expired';
      return true;
    }
    if (end.reason === 'error' || end.reason === 'stall') {
      log.warn(
        { err: end.err, rv, reason: end.reason },
        'watch ended abnormally; resuming from last resourceVersion',
      );
      return false;
    }
    log.debug({ rv, reason: end.reason }, 'watch ended; resuming');
    return true;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!closed) {
      await waitResumed();
      if (closed) break;
      try {
        failures = (await cycle()) ? 0 : failures + 1;
      } catch (err) {
        if (closed) break;
        failures += 1;
        if (isGone(err)) {
          rv = undefined;
          relistReason = 'expired';
        }
        log.warn({ err, code: errorCode(err), failures }, 'list/watch failed; retrying');
      }
      if (failures > 0 && !closed) {
        const base = o.retryBaseMs ?? 500;
        await pauseWait(
          Math.min(30_000, base * 2 ** Math.min(failures - 1, 10)) * (0.8 + Math.random() * 0.4),
        );
      }
    }
  }

  return {
    start(s) {
      sink = s;
      loop ??= run();
      return Promise.resolve();
    },
    pause() {
      if (paused) return;
      paused = true;
      current?.pause();
    },
    resume() {
      if (!paused) return;
      paused = false;
      wake?.();
      current?.resume();
    },
    synced: () => listed && !closed,
    async close() {
      closed = true;
      current?.stop('shutdown');
      wake?.();
      await loop;
    },
  };
}
