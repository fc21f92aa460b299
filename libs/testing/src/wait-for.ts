import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message (e.g. `'3 records on topic x'`). */
  readonly what?: string;
}

/** Thrown by {@link waitFor} when the condition did not hold in time; `cause` is the predicate's last error. */
export class WaitForTimeoutError extends Error {
  readonly code = 'WAIT_FOR_TIMEOUT';

  constructor(what: string, timeoutMs: number, attempts: number, cause: unknown) {
    super(
      `timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${what}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'WaitForTimeoutError';
  }
}

/**
 * Polls `predicate` until it returns a truthy value, and resolves with that value. A predicate that throws
 * counts as "not yet"; if time runs out, the last error is the timeout error's `cause`.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    attempts += 1;
    try {
      const value = await predicate();
      if (value) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw new WaitForTimeoutError(options.what ?? 'a condition', timeoutMs, attempts, lastError);
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
