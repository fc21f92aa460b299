import { createRoster } from './engine-core.js';
import type { Roster, RosterRules } from './engine-core.js';
import { createRateWindow } from './rate-window.js';
import type { RateWindow } from './rate-window.js';

/** A robot limited per rolling minute that stays throttled a while once over the rate (DingTalk, WeCom). */
export interface MinuteRobotState<R> {
  readonly robot: R;
  readonly window: RateWindow;
  throttledUntil: number;
  throttleAnswers: number;
  faults: number;
  /** Answers by errcode. */
  readonly answers: Map<number, number>;
}

/** Counters of one per-minute robot. */
export interface MinuteRobotStats {
  /** Messages accepted since start/reset. */
  readonly accepted: number;
  /** Messages accepted in the last 60 s. */
  readonly lastMinute: number;
  /** Most messages accepted in any rolling 60 s window so far. */
  readonly maxPerMinute: number;
  /** Throttle answers, organic or injected. */
  readonly throttleAnswers: number;
  /** Answers by errcode, including 0. */
  readonly answers: Readonly<Record<string, number>>;
  /** Faults applied (5xx, reset, delay, -1, throttle). */
  readonly faults: number;
}

/** The state of `robot` at start or after a reset. */
function freshMinuteRobot<R>(robot: R): MinuteRobotState<R> {
  return {
    robot,
    window: createRateWindow(),
    throttledUntil: 0,
    throttleAnswers: 0,
    faults: 0,
    answers: new Map(),
  };
}

/**
 * Admits one message at `now` within `rate` accepted per rolling minute: `ok` (recorded), `throttled` (still
 * throttled) or `over` (the rate is reached: throttled until `now + throttleMs`). The window counts accepted
 * messages only: what the group sees never exceeds the rate.
 */
export function admitPerMinute(
  st: MinuteRobotState<unknown>,
  now: number,
  rate: number,
  throttleMs: number,
): 'ok' | 'throttled' | 'over' {
  if (st.throttledUntil > now) return 'throttled';
  if (st.window.count(now) >= rate) {
    st.throttledUntil = now + throttleMs;
    return 'over';
  }
  st.window.record(now);
  return 'ok';
}

/** The counters of `st` at `now`. */
export function minuteRobotStats(st: MinuteRobotState<unknown>, now: number): MinuteRobotStats {
  return {
    accepted: st.window.total,
    lastMinute: st.window.count(now),
    maxPerMinute: st.window.max,
    throttleAnswers: st.throttleAnswers,
    answers: Object.fromEntries(st.answers),
    faults: st.faults,
  };
}

/** Checks `robots` by `rules` and creates their {@link Roster} of per-minute states. */
export function createMinuteRoster<R>(
  robots: readonly R[],
  rules: RosterRules<R>,
): Roster<MinuteRobotState<R>> {
  return createRoster(robots, rules, freshMinuteRobot);
}
