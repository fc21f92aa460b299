import { parseDuration } from '@kube-herald/config';
import { usageError } from '../exit-codes.js';

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses a `--from`/`--to` value: `now`, a duration ago (`2h`, `90m`, `1d12h`, also `2h ago`), an ISO
 * 8601 time (`2025-05-01T10:00:00+08:00`; without an offset it is UTC) or epoch milliseconds.
 * Throws a usage error (exit 1) naming the flag when the value is unreadable.
 */
export function parseTimeArg(flag: string, text: string, now: number): number {
  const v = text.trim();
  if (v === 'now') return now;
  const ago = parseDuration(v.replace(/\s+ago$/i, ''));
  if (ago !== undefined) return now - ago;
  if (/^\d{12,14}$/.test(v)) return Number(v);
  const m = ISO.exec(v);
  if (m) {
    const withZone = m[1] === undefined ? `${v.replace(' ', 'T')}${v.length === 10 ? 'T00:00:00' : ''}Z` : v;
    const ms = Date.parse(withZone.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms;
  }
  throw usageError(
    `${flag}: cannot read time "${text}" (use e.g. 2h, 30m, now, 2025-05-01T10:00:00Z or epoch ms)`,
  );
}

/** ISO 8601 UTC text of epoch milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
