import { KhError } from '@kube-herald/errors';
import type { WatchHandle } from './kube-client.js';
import type { ReflectorState, WatchEnd } from './reflector-state.js';
import type { SilenceWatch } from './silence-watch.js';
import type { WatchHeartbeat } from './watch-heartbeat.js';
import { isHeartbeatEvent } from './watch-heartbeat.js';
import { resourceVersionOf, statusOf } from './watch-lines.js';

/** A watch that lived this long counts as healthy even without a line (its failure resets the back-off). */
const HEALTHY_WATCH_MS = 5_000;

/** How a reflector watches: its silence watchdog (and heartbeat), pause bound and server timeout. */
export interface WatchSettings {
  readonly silence: SilenceWatch;
  readonly heartbeat: WatchHeartbeat | undefined;
  readonly maxPauseMs: number;
  readonly watchTimeoutSeconds: number;
}

/** Delivers one watch line (moving `rv` on), or ends the watch on an ERROR line. */
function onLine(
  st: ReflectorState,
  w: WatchSettings,
  type: string,
  obj: unknown,
  finish: (end: WatchEnd) => void,
): void {
  const lineRv = resourceVersionOf(obj);
  const scope = st.scope;
  switch (type) {
    case 'BOOKMARK':
      if (lineRv) {
        st.rv = lineRv;
        st.sink({ type: 'PROGRESS', position: { scope, rv: lineRv } });
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
      if (lineRv) st.rv = lineRv;
      if (isHeartbeatEvent(obj)) {
        w.silence.heartbeatSeen(w.heartbeat?.nonceOf(obj));
        if (lineRv) st.sink({ type: 'PROGRESS', position: { scope, rv: lineRv } }); // the checkpoint moves on
        return;
      }
      st.sink(
        lineRv
          ? { type, object: obj, observedAt: st.now(), position: { scope, rv: lineRv } }
          : { type, object: obj, observedAt: st.now() },
      );
      return;
    default:
      st.log.warn({ type }, 'unknown watch event type ignored');
      st.metrics.watchRestarts.inc({ reason: 'unknown_type' });
  }
}

/**
 * One watch from `from`, steered through `st.current` (pause, resume, stop); resolves with how it ended.
 * Paused longer than `maxPauseMs`, it ends ('backpressure'); silent too long, it ends ('stall').
 */
export function watchOnce(st: ReflectorState, w: WatchSettings, from: string): Promise<WatchEnd> {
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
      w.silence.stop();
      clearTimeout(pauseTimer);
      st.current = undefined;
      handle?.abort();
      end.healthy = lines > 0 || (openedAt !== undefined && st.now() - openedAt >= HEALTHY_WATCH_MS);
      resolve(end);
    };
    const onStall = (): void => finish({ reason: 'stall' });
    const kick = (): void => w.silence.kick(onStall);
    st.current = {
      stop: (reason) => finish({ reason }),
      pause() {
        // No handle yet (the answer still on its way; the sink only pauses from inside a line or a LIST,
        // so this is not expected): end it as before, the resume watches again from rv.
        if (!handle) return finish({ reason: 'backpressure' });
        w.silence.stop(); // paused time is not silence: the watchdog restarts on resume
        handle.pause();
        clearTimeout(pauseTimer);
        pauseTimer = setTimeout(() => finish({ reason: 'backpressure' }), w.maxPauseMs);
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
      timeoutSeconds: String(w.watchTimeoutSeconds),
    };
    const line = (type: string, obj: unknown): void => {
      if (ended) return; // lines after a stop are not consumed: the RV stays before them
      lines++;
      if (!st.paused) kick();
      onLine(st, w, type, obj, finish);
    };
    const done = (err: unknown): void => finish(err ? { reason: 'error', err } : { reason: 'closed' });
    st.client.watch(st.path, query, line, done).then(
      (h) => {
        handle = h;
        openedAt = st.now();
        if (ended) h.abort();
      },
      (err: unknown) => finish({ reason: 'error', err }),
    );
  });
}
