/**
 * Exponential back-off before retry `attempt` (0 first): `baseMs * 2^attempt`, capped at `maxMs`. With
 * `jitter` (0…1, default 0.5) a random share of up to that fraction is taken off, so that replicas retrying
 * the same failure spread out: the delay lies in [delay · (1 − jitter), delay]. `jitter` 0: exact.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, jitter = 0.5): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(delay * (1 - jitter * Math.random()));
}
