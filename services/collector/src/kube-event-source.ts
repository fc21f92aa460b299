import { KhError, backoffDelay, errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { EventSink, EventSource } from './event-source.js';
import { isGone, resourceVersionOf, statusOf } from './watch-lines.js';
import { kubeHttpError, type KubeClient, type WatchHandle } from './kube-client.js';
import type { CollectorMetrics } from './metrics.js';
import { createWaker } from './waker.js';
import { createSilenceWatch, type SilenceWatch } from './silence-watch.js';
import { createWatchHeartbeat, isHeartbeatEvent } from './watch-heartbeat.js';

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
  /**
   * A watch silent this long although a heartbeat was written into it is dead and restarted. Without
   * heartbeats, silence is normal: only a watch outliving its `watchTimeoutSeconds` by this much is.
   */
  readonly stallTimeoutMs: number;
  /**
   * A watch silent this long (at most half `stallTimeoutMs`) gets a heartbeat Event written into it
   * (watch-heartbeat.ts); 0 = never. Default 0.
   */
  readonly heartbeatIntervalMs?: number;
  /** Namespace of the heartbeat Event of a cluster-wide watch (a namespaced watch uses its own). */
  readonly heartbeatNamespace?: string;
  /** Per scope (`*` or a namespace), a resourceVersion to watch from instead of listing first. */
  readonly resumeFrom?: Readonly<Record<string, string>>;
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
  /** The watch was answered and delivered lines (or lived a while): a later failure starts the back-off anew. */
  healthy?: boolean;
}

/** A watch that lived this long counts as healthy even without a line (its failure resets the back-off). */
const HEALTHY_WATCH_MS = 5_000;

function createReflector(o: KubeEventSourceOptions, namespace: string | undefined): EventSource {
  const scope = namespace ?? '*';
  const log = o.log.child({ component: 'reflector', api: o.api, namespace: scope });
  const path = eventsPath(o.api, namespace);
  const now = o.now ?? Date.now;
  const maxPauseMs = o.maxWatchPauseMs ?? MAX_WATCH_PAUSE_MS;
  const hbNamespace = namespace ?? o.heartbeatNamespace;
  const heartbeat =
    (o.heartbeatIntervalMs ?? 0) > 0 && hbNamespace ? createWatchHeartbeat(o.client, hbNamespace) : undefined;
  const silence: SilenceWatch = createSilenceWatch({
    heartbeat,
    heartbeatAfterMs: Math.min(o.heartbeatIntervalMs ?? 0, o.stallTimeoutMs / 2),
    stallTimeoutMs: o.stallTimeoutMs,
    watchTimeoutMs: o.watchTimeoutSeconds * 1000,
    log,
    metrics: o.metrics,
  });
  let sink: EventSink = () => undefined;
  let rv: string | undefined = o.resumeFrom?.[scope];
  let relistReason = 'initial';
  let paused = false;
  let closed = false;
  let listed = rv !== undefined; // resuming from a checkpoint: watching is being synced
  let loop: Promise<void> | undefined;
  let current: { stop(reason: EndReason): void; pause(): void; resume(): void } | undefined;
  const waker = createWaker();
  const pauseWait = waker.sleep;
  const waitResumed = async (): Promise<void> => {
    while (paused && !closed) await pauseWait();
  };

  // A real API server's LIST items carry no kind/apiVersion (the list does): they are filled in here, so
  // that normalize reads the API they came from instead of guessing it from the shape.
  function deliverPage(items: unknown[], apiVersion: unknown, lastRv: string | undefined): void {
    const observedAt = now();
    const last = items.length - 1;
    for (let i = 0; i <= last; i++) {
      const object = items[i] as Record<string, unknown> | null;
      if (isHeartbeatEvent(object)) continue;
      if (object && typeof object === 'object' && object.apiVersion === undefined) {
        object.apiVersion = apiVersion;
        object.kind = 'Event';
      }
      const position = i === last && lastRv ? { scope, rv: lastRv } : undefined;
      sink(
        position ? { type: 'LISTED', object, observedAt, position } : { type: 'LISTED', object, observedAt },
      );
    }
  }

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
        apiVersion?: unknown;
        items?: unknown;
        metadata?: { resourceVersion?: unknown; continue?: unknown };
      };
      if (!Array.isArray(page?.items)) throw new KhError('kube_bad_list', `LIST ${path}: no items array`);
      listRv ??=
        typeof page.metadata?.resourceVersion === 'string' ? page.metadata.resourceVersion : undefined;
      cont =
        typeof page.metadata?.continue === 'string' && page.metadata.continue
          ? page.metadata.continue
          : undefined;
      deliverPage(page.items as unknown[], page.apiVersion, cont || !listRv ? undefined : listRv);
    } while (cont);
    if (!listRv) throw new KhError('kube_bad_list', `LIST ${path}: no resourceVersion`);
    listed = true;
    return listRv;
  }

  function onLine(type: string, obj: unknown, finish: (end: WatchEnd) => void): void {
    const lineRv = resourceVersionOf(obj);
    switch (type) {
      case 'BOOKMARK':
        if (lineRv) {
          rv = lineRv;
          sink({ type: 'PROGRESS', position: { scope, rv: lineRv } });
        }
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
        if (lineRv) rv = lineRv;
        if (isHeartbeatEvent(obj)) {
          silence.heartbeatSeen(heartbeat?.nonceOf(obj));
          if (lineRv) sink({ type: 'PROGRESS', position: { scope, rv: lineRv } }); // the checkpoint moves on
          return;
        }
        sink(
          lineRv
            ? { type, object: obj, observedAt: now(), position: { scope, rv: lineRv } }
            : { type, object: obj, observedAt: now() },
        );
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
      let pauseTimer: NodeJS.Timeout | undefined;
      let openedAt: number | undefined;
      let lines = 0;
      // If the watch ends while paused (server timeout, closed connection, the pause bound), the lines the
      // client still held are dropped with it: rv only moved for delivered lines, so the next watch (opened
      // on resume) starts right after the last delivered one and the server sends the rest again, in order.
      const finish = (end: WatchEnd): void => {
        if (ended) return;
        ended = true;
        silence.stop();
        clearTimeout(pauseTimer);
        current = undefined;
        handle?.abort();
        end.healthy = lines > 0 || (openedAt !== undefined && now() - openedAt >= HEALTHY_WATCH_MS);
        resolve(end);
      };
      const onStall = (): void => finish({ reason: 'stall' });
      const kick = (): void => silence.kick(onStall);
      current = {
        stop: (reason) => finish({ reason }),
        pause() {
          // No handle yet (the answer still on its way; the sink only pauses from inside a line or a LIST,
          // so this is not expected): end it as before, the resume watches again from rv.
          if (!handle) return finish({ reason: 'backpressure' });
          silence.stop(); // paused time is not silence: the watchdog restarts on resume
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
        lines++;
        if (!paused) kick();
        onLine(type, obj, finish);
      };
      const done = (err: unknown): void => finish(err ? { reason: 'error', err } : { reason: 'closed' });
      o.client.watch(path, query, line, done).then(
        (h) => {
          handle = h;
          openedAt = now();
          if (ended) h.abort();
        },
        (err: unknown) => finish({ reason: 'error', err }),
      );
    });
  }

  /** One LIST (when needed) and one watch; resolves with the failure count the back-off continues from. */
  async function cycle(failures: number): Promise<number> {
    if (rv === undefined) rv = await listAll();
    if (closed || paused) return 0;
    const end = await watchOnce(rv);
    if (end.reason === 'shutdown') return 0;
    o.metrics.watchRestarts.inc({ reason: end.reason });
    if (end.reason === 'expired') {
      log.info({ err: end.err, rv }, 'watch expired (410); listing again');
      rv = undefined;
      relistReason = 'expired';
      return 0;
    }
    if (end.reason === 'error' || end.reason === 'stall') {
      log.warn(
        { err: end.err, rv, reason: end.reason },
        'watch ended abnormally; resuming from last resourceVersion',
      );
      // A watch that ran healthily before it broke starts the back-off anew: only failures in a row grow it.
      return end.healthy ? 1 : failures + 1;
    }
    log.debug({ rv, reason: end.reason }, 'watch ended; resuming');
    return 0;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!closed) {
      await waitResumed();
      if (closed) break;
      try {
        failures = await cycle(failures);
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
        await pauseWait(backoffDelay(failures - 1, base, Math.min(30_000, base * 2 ** 10)));
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
      waker.wake();
      current?.resume();
    },
    synced: () => listed && !closed,
    async close() {
      closed = true;
      current?.stop('shutdown');
      waker.wake();
      await loop;
    },
  };
}
