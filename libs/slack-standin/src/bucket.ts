/** One webhook's rate: a token bucket (rate per second, `burst` tokens) plus acceptance statistics. */
export interface Bucket {
  /** Takes a token at `now`; or the seconds until one is available. */
  take(now: number): { ok: true } | { ok: false; waitSeconds: number };
  /** Records an acceptance (for the rolling-second maximum). */
  record(now: number): void;
  readonly maxPerSecond: number;
}

/** Creates a full bucket. */
export function createBucket(ratePerSecond: number, burst: number): Bucket {
  let tokens = burst;
  let last: number | undefined;
  let recent: number[] = [];
  let max = 0;
  return {
    take(now) {
      if (last !== undefined) tokens = Math.min(burst, tokens + ((now - last) / 1000) * ratePerSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      return { ok: false, waitSeconds: (1 - tokens) / ratePerSecond };
    },
    record(now) {
      recent = recent.filter((t) => t > now - 1000);
      recent.push(now);
      max = Math.max(max, recent.length);
    },
    get maxPerSecond() {
      return max;
    },
  };
}
