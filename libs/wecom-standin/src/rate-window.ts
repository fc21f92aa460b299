const WINDOW_MS = 60_000;

/** Accepted-message times of one robot, for the rolling 60 s count and its maximum. */
export interface RateWindow {
  /** Messages accepted in (now - 60 s, now]. */
  count(now: number): number;
  /** Records an acceptance at `now`. */
  record(now: number): void;
  /** Most acceptances seen in any rolling 60 s window. */
  readonly max: number;
  readonly total: number;
}

/** Creates an empty {@link RateWindow}. */
export function createRateWindow(): RateWindow {
  let times: number[] = [];
  let max = 0;
  let total = 0;
  const prune = (now: number): void => {
    const from = times.findIndex((t) => t > now - WINDOW_MS);
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
