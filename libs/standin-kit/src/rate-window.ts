/** Acceptance times of one robot / bot, for a rolling-window count and its maximum. */
export interface RateWindow {
  /** Acceptances in (now - windowMs, now]. */
  count(now: number): number;
  /** Records an acceptance at `now`. */
  record(now: number): void;
  /** Most acceptances seen in any rolling window. */
  readonly max: number;
  readonly total: number;
}

/** Creates an empty {@link RateWindow} of `windowMs` (default 60 s). Holds at most the acceptances of one window. */
export function createRateWindow(windowMs = 60_000): RateWindow {
  let times: number[] = [];
  let max = 0;
  let total = 0;
  const prune = (now: number): void => {
    const from = times.findIndex((t) => t > now - windowMs);
    times = from === -1 ? [] : times.slice(from);
  };
  return {
    count(now) {
      prune(now);
      return times.length;
    },
    record(now) {
      prune(now);
      times.push(now);
      total += 1;
      // The max over all windows is reached by a window ending at an acceptance.
      max = Math.max(max, times.length);
    },
    get max() {
      return max;
    },
    get total() {
      return total;
    },
  };
}
