/** Exponential back-off with full jitter in [delay/2, delay]: `base * 2^attempt`, capped at `max`. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(delay / 2 + (Math.random() * delay) / 2);
}
