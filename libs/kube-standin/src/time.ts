/** Kubernetes `Time`: RFC 3339 with seconds precision, e.g. `2026-11-25T10:02:11Z`. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Kubernetes `MicroTime`: RFC 3339 with microseconds, e.g. `2026-11-25T10:02:11.123000Z`. */
export function formatMicroTime(d: Date): string {
  return d.toISOString().replace(/Z$/, '000Z');
}

/**
 * Re-serializes a time string as MicroTime the way the API server does on write; values that are
 * not parseable dates are returned unchanged (the caller validates).
 */
export function normalizeMicroTime(value: unknown): unknown {
  if (typeof value !== 'string' || /\.\d{6}Z$/.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : formatMicroTime(new Date(ms));
}
