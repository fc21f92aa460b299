/** How a failure should be handled where it is caught: try again, give up, or wait for a throttle. */
export type Verdict = 'retry' | 'permanent' | 'throttle';

/** Options of {@link KhError}. */
export interface KhErrorOptions {
  readonly cause?: unknown;
  readonly verdict?: Verdict;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The project's error: a stable machine-readable `code`, a human message, an optional verdict that
 * tells a boundary how to handle it. Messages must never contain secrets (tokens, signing secrets).
 */
export class KhError extends Error {
  readonly code: string;
  readonly verdict: Verdict | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, options: KhErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KhError';
    this.code = code;
    this.verdict = options.verdict;
    this.details = options.details;
  }
}

/** True when `err` is a {@link KhError}, optionally with the given code. */
export function isKhError(err: unknown, code?: string): err is KhError {
  return err instanceof KhError && (code === undefined || err.code === code);
}

/** A short, stable code for any thrown value (for metrics labels and logs). */
export function errorCode(err: unknown): string {
  if (err instanceof KhError) return err.code;
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return code;
    return err.name || 'Error';
  }
  return 'unknown';
}
