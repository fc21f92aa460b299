import type { Logger } from '@kube-herald/logging';
import type { CollectorMetrics } from './metrics.js';
import { heartbeatRefused, type WatchHeartbeat } from './watch-heartbeat.js';

/**
 * After a refusal heartbeats are tried again after this: soon after the first (an API server that has just
 * restarted answers 403 until its authorizer synced), then every 10 minutes (RBAC, no such namespace).
 */
export const HEARTBEAT_RETRY_AFTER_REFUSAL_MS = [30_000, 600_000] as const;

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
  /** Notes a line (or the watch's start or resume): silence counts from here. Cheap: no timer work per line. */
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
  let refusals = 0;
  // Timers are not re-armed per line (a steady 500 lines/s would be 1,000 timer operations/s): each line
  // only notes its time; a timer that fires early re-arms for what is left.
  let lastLine = 0;
  let hbTimer: NodeJS.Timeout | undefined;
  let stallTimer: NodeJS.Timeout | undefined;
  let onStall: (() => void) | undefined;
  let inFlight = false;
  const beating = (): boolean => o.heartbeat !== undefined && o.heartbeatAfterMs > 0 && now() >= refusedUntil;
  const m = o.metrics.heartbeats;
  const stallMs = (): number => (beating() ? o.stallTimeoutMs : o.watchTimeoutMs + o.stallTimeoutMs);

  const onStallTimer = (): void => {
    stallTimer = undefined;
    if (!onStall) return;
    const left = lastLine + stallMs() - now();
    if (left > 0) stallTimer = setTimeout(onStallTimer, left);
    else onStall();
  };
  const onHeartbeatTimer = (): void => {
    hbTimer = undefined;
    if (!onStall || !beating()) return;
    const left = lastLine + o.heartbeatAfterMs - now();
    if (left > 0) hbTimer = setTimeout(onHeartbeatTimer, left);
    else beat();
  };
  const arm = (): void => {
    if (!onStall) return;
    stallTimer ??= setTimeout(onStallTimer, Math.max(0, lastLine + stallMs() - now()));
    if (beating())
      hbTimer ??= setTimeout(onHeartbeatTimer, Math.max(0, lastLine + o.heartbeatAfterMs - now()));
  };
  const disarm = (): void => {
    clearTimeout(hbTimer);
    clearTimeout(stallTimer);
    hbTimer = undefined;
    stallTimer = undefined;
  };

  function beat(): void {
    const hb = o.heartbeat;
    if (!hb || inFlight) return;
    inFlight = true;
    hb.beat().then(
      () => {
        inFlight = false;
        refusals = 0;
        m.inc({ result: 'written' });
      },
      (err: unknown) => {
        inFlight = false;
        if (heartbeatRefused(err)) {
          m.inc({ result: 'refused' });
          refusals += 1;
          refusedUntil = now() + HEARTBEAT_RETRY_AFTER_REFUSAL_MS[refusals > 1 ? 1 : 0];
          if (refusals <= 2) {
            o.log.info(
              { err, namespace: hb.namespace },
              'watch heartbeat refused: a silent watch now counts as dead only once it outlives its timeout',
            );
          }
          // The stall timer re-arms itself for the longer deadline of a watch without heartbeats.
        } else {
          m.inc({ result: 'failed' });
          o.log.debug({ err }, 'watch heartbeat failed');
        }
      },
    );
  }

  return {
    kick(stall) {
      lastLine = now();
      if (onStall !== stall) disarm(); // another watch: its own timers
      onStall = stall;
      arm();
    },
    stop() {
      onStall = undefined;
      disarm();
    },
    heartbeatSeen() {
      m.inc({ result: 'seen' });
    },
  };
}
