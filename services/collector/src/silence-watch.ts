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

/** Heartbeats written into a silent watch, and whether a silent watch gets them now. */
interface Heartbeats {
  /** True when configured and not refused lately (a refusal turns them off until its retry time). */
  on(): boolean;
  /** Writes one, unless one is in flight. */
  beat(): void;
}

function createHeartbeats(o: SilenceWatchOptions, now: () => number): Heartbeats {
  const m = o.metrics.heartbeats;
  let refusedUntil = 0;
  let refusals = 0;
  let inFlight = false;

  const written = (): void => {
    inFlight = false;
    refusals = 0;
    m.inc({ result: 'written' });
  };
  const failed = (hb: WatchHeartbeat, err: unknown): void => {
    inFlight = false;
    if (!heartbeatRefused(err)) {
      m.inc({ result: 'failed' });
      o.log.debug({ err }, 'watch heartbeat failed');
      return;
    }
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
  };

  return {
    on: () => o.heartbeat !== undefined && o.heartbeatAfterMs > 0 && now() >= refusedUntil,
    beat() {
      const hb = o.heartbeat;
      if (!hb || inFlight) return;
      inFlight = true;
      hb.beat().then(written, (err: unknown) => failed(hb, err));
    },
  };
}

/** A timer for a deadline that moves with every line (see {@link createDeadlineTimer}). */
interface DeadlineTimer {
  /** Starts the timer unless it runs already. */
  arm(): void;
  disarm(): void;
}

/**
 * Timers are not re-armed per line (a steady 500 lines/s would be 1,000 timer operations/s): each line
 * only moves `due()`; a timer that fires early re-arms for what is left. It stands down, without firing
 * or re-arming, when it is no longer `wanted()`.
 */
function createDeadlineTimer(
  now: () => number,
  due: () => number,
  wanted: () => boolean,
  fire: () => void,
): DeadlineTimer {
  let timer: NodeJS.Timeout | undefined;
  const onTimer = (): void => {
    timer = undefined;
    if (!wanted()) return;
    const left = due() - now();
    if (left > 0) timer = setTimeout(onTimer, left);
    else fire();
  };
  return {
    arm() {
      timer ??= setTimeout(onTimer, Math.max(0, due() - now()));
    },
    disarm() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Creates a {@link SilenceWatch} for one reflector (one watch open at a time). */
export function createSilenceWatch(o: SilenceWatchOptions): SilenceWatch {
  const now = o.now ?? Date.now;
  const heartbeats = createHeartbeats(o, now);
  let lastLine = 0;
  let onStall: (() => void) | undefined;
  const watching = (): boolean => onStall !== undefined;
  const stallMs = (): number => (heartbeats.on() ? o.stallTimeoutMs : o.watchTimeoutMs + o.stallTimeoutMs);
  const stallTimer = createDeadlineTimer(
    now,
    () => lastLine + stallMs(),
    watching,
    () => onStall?.(),
  );
  const heartbeatTimer = createDeadlineTimer(
    now,
    () => lastLine + o.heartbeatAfterMs,
    () => watching() && heartbeats.on(),
    () => heartbeats.beat(),
  );
  const disarm = (): void => {
    heartbeatTimer.disarm();
    stallTimer.disarm();
  };

  return {
    kick(stall) {
      lastLine = now();
      if (onStall !== stall) disarm(); // another watch: its own timers
      onStall = stall;
      stallTimer.arm();
      if (heartbeats.on()) heartbeatTimer.arm();
    },
    stop() {
      onStall = undefined;
      disarm();
    },
    heartbeatSeen() {
      o.metrics.heartbeats.inc({ result: 'seen' });
    },
  };
}
