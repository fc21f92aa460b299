import type { Logger } from '@kube-herald/logging';
import type { CollectorMetrics } from './metrics.js';
import { heartbeatRefused, type WatchHeartbeat } from './watch-heartbeat.js';

/** After a refusal (RBAC, no such namespace, an API server still starting), heartbeats are tried again after this. */
export const HEARTBEAT_RETRY_AFTER_REFUSAL_MS = 600_000;

/** Options of {@link createSilenceWatch}. */
export interface SilenceWatchOptions {
  readonly heartbeat: WatchHeartbeat | undefined;
  /** Silence after which a heartbeat is written (0: never). */
  readonly heartbeatAfterMs: number;
  readonly stallTimeoutMs: number;
  /** The `timeoutSeconds` the watch asks for, in ms: a live API server ends the watch by then. */
  readonly watchTimeoutMs: number;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  readonly now?: () => number;
}

/**
 * Tells a quiet watch from a dead one. A real API server sends no BOOKMARK on Event watches, so silence
 * alone proves nothing. With heartbeats, a silent watch gets one written into it: a live connection
 * brings it back within the stall timeout (and its resourceVersion moves on); a dead one does not and is
 * restarted. Without heartbeats (off, or refused by the API), silence is normal, and only a watch that
 * outlives the timeout the API server was asked to end it at (plus the stall timeout) is dead.
 */
export interface SilenceWatch {
  /** (Re)arms the timers of the open watch; call when it opens, on every line and on resume. */
  kick(onStall: () => void): void;
  /** Disarms (watch paused or ended). */
  stop(): void;
  /** A heartbeat came back through the watch. */
  heartbeatSeen(nonce: string | undefined): void;
}

/** Creates a {@link SilenceWatch} for one reflector (one watch open at a time). */
export function createSilenceWatch(o: SilenceWatchOptions): SilenceWatch {
  const now = o.now ?? Date.now;
  let refusedUntil = 0;
  let hbTimer: NodeJS.Timeout | undefined;
  let stallTimer: NodeJS.Timeout | undefined;
  let onStall: (() => void) | undefined;
  let inFlight = false;
  const beating = (): boolean => o.heartbeat !== undefined && o.heartbeatAfterMs > 0 && now() >= refusedUntil;
  const m = o.metrics.heartbeats;

  const arm = (): void => {
    clearTimeout(hbTimer);
    clearTimeout(stallTimer);
    const stall = onStall;
    if (!stall) return;
    const on = beating();
    stallTimer = setTimeout(stall, on ? o.stallTimeoutMs : o.watchTimeoutMs + o.stallTimeoutMs);
    if (on) hbTimer = setTimeout(beat, o.heartbeatAfterMs);
  };

  function beat(): void {
    const hb = o.heartbeat;
    if (!hb || inFlight) return;
    inFlight = true;
    hb.beat().then(
      () => {
        inFlight = false;
        m.inc({ result: 'written' });
      },
      (err: unknown) => {
        inFlight = false;
        if (heartbeatRefused(err)) {
          m.inc({ result: 'refused' });
          refusedUntil = now() + HEARTBEAT_RETRY_AFTER_REFUSAL_MS;
          o.log.info(
            { err, namespace: hb.namespace },
            'watch heartbeat refused: a silent watch now counts as dead only once it outlives its timeout',
          );
          arm(); // the stall deadline of a watch without heartbeats
        } else {
          m.inc({ result: 'failed' });
          o.log.debug({ err }, 'watch heartbeat failed');
        }
      },
    );
  }

  return {
    kick(stall) {
      onStall = stall;
      arm();
    },
    stop() {
      onStall = undefined;
      clearTimeout(hbTimer);
      clearTimeout(stallTimer);
    },
    heartbeatSeen() {
      m.inc({ result: 'seen' });
    },
  };
}
