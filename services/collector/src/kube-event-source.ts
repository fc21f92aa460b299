import { backoffDelay, errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { EventSource } from './event-source.js';
import { isGone } from './watch-lines.js';
import type { KubeClient } from './kube-client.js';
import type { CollectorMetrics } from './metrics.js';
import { listAll } from './reflector-list.js';
import type { ReflectorState } from './reflector-state.js';
import { watchOnce, type WatchSettings } from './reflector-watch.js';
import { createWaker } from './waker.js';
import { createSilenceWatch } from './silence-watch.js';
import { createWatchHeartbeat } from './watch-heartbeat.js';

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

/**
 * A reflector of one scope: LIST (reflector-list.ts), then watch from the last resourceVersion
 * (reflector-watch.ts), again after each watch ends; failures back off, a 410 lists again.
 */
function createReflector(o: KubeEventSourceOptions, namespace: string | undefined): EventSource {
  const scope = namespace ?? '*';
  const log = o.log.child({ component: 'reflector', api: o.api, namespace: scope });
  const rv = o.resumeFrom?.[scope];
  const st: ReflectorState = {
    client: o.client,
    path: eventsPath(o.api, namespace),
    scope,
    log,
    metrics: o.metrics,
    now: o.now ?? Date.now,
    sink: () => undefined,
    rv,
    relistReason: 'initial',
    paused: false,
    closed: false,
    listed: rv !== undefined, // resuming from a checkpoint: watching is being synced
    current: undefined,
  };
  const watch = watchSettings(o, namespace, log);
  let loop: Promise<void> | undefined;
  const waker = createWaker();
  const waitResumed = async (): Promise<void> => {
    while (st.paused && !st.closed) await waker.sleep();
  };

  /** One LIST (when needed) and one watch; resolves with the failure count the back-off continues from. */
  async function cycle(failures: number): Promise<number> {
    if (st.rv === undefined) st.rv = await listAll(st, o.pageSize, waitResumed);
    if (st.closed || st.paused) return 0;
    const end = await watchOnce(st, watch, st.rv);
    if (end.reason === 'shutdown') return 0;
    o.metrics.watchRestarts.inc({ reason: end.reason });
    if (end.reason === 'expired') {
      log.info({ err: end.err, rv: st.rv }, 'watch expired (410); listing again');
      st.rv = undefined;
      st.relistReason = 'expired';
      return 0;
    }
    if (end.reason === 'error' || end.reason === 'stall') {
      log.warn(
        { err: end.err, rv: st.rv, reason: end.reason },
        'watch ended abnormally; resuming from last resourceVersion',
      );
      // A watch that ran healthily before it broke starts the back-off anew: only failures in a row grow it.
      return end.healthy ? 1 : failures + 1;
    }
    log.debug({ rv: st.rv, reason: end.reason }, 'watch ended; resuming');
    return 0;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!st.closed) {
      await waitResumed();
      if (st.closed) break;
      try {
        failures = await cycle(failures);
      } catch (err) {
        if (st.closed) break;
        failures += 1;
        if (isGone(err)) {
          st.rv = undefined;
          st.relistReason = 'expired';
        }
        log.warn({ err, code: errorCode(err), failures }, 'list/watch failed; retrying');
      }
      if (failures > 0 && !st.closed) {
        const base = o.retryBaseMs ?? 500;
        await waker.sleep(backoffDelay(failures - 1, base, Math.min(30_000, base * 2 ** 10)));
      }
    }
  }

  return {
    start(s) {
      st.sink = s;
      loop ??= run();
      return Promise.resolve();
    },
    pause() {
      if (st.paused) return;
      st.paused = true;
      st.current?.pause();
    },
    resume() {
      if (!st.paused) return;
      st.paused = false;
      waker.wake();
      st.current?.resume();
    },
    synced: () => st.listed && !st.closed,
    async close() {
      st.closed = true;
      st.current?.stop('shutdown');
      waker.wake();
      await loop;
    },
  };
}

/** A reflector's watch settings: its silence watchdog, with a heartbeat when configured. */
function watchSettings(o: KubeEventSourceOptions, namespace: string | undefined, log: Logger): WatchSettings {
  const hbNamespace = namespace ?? o.heartbeatNamespace;
  const heartbeat =
    (o.heartbeatIntervalMs ?? 0) > 0 && hbNamespace ? createWatchHeartbeat(o.client, hbNamespace) : undefined;
  const silence = createSilenceWatch({
    heartbeat,
    heartbeatAfterMs: Math.min(o.heartbeatIntervalMs ?? 0, o.stallTimeoutMs / 2),
    stallTimeoutMs: o.stallTimeoutMs,
    watchTimeoutMs: o.watchTimeoutSeconds * 1000,
    log,
    metrics: o.metrics,
  });
  return {
    silence,
    heartbeat,
    maxPauseMs: o.maxWatchPauseMs ?? MAX_WATCH_PAUSE_MS,
    watchTimeoutSeconds: o.watchTimeoutSeconds,
  };
}
