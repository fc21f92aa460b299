import { z } from 'zod';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Parses `500ms`, `10s`, `1m`, `4h`, `7d` (also combined like `1h30m`) into milliseconds; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const parts = text.trim().match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g);
  if (!parts || parts.join('') !== text.trim()) return undefined;
  let total = 0;
  for (const p of parts) {
    const m = DURATION.exec(p);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** A zod type accepting a duration string (`10s`) or a number of milliseconds, producing milliseconds. */
export const durationMs = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${v}" (use e.g. 500ms, 10s, 5m, 4h, 7d)` });
    return z.NEVER;
  }
  return ms;
});

/** A zod type for a regular expression given as a string, compiled at parse time (a bad pattern fails with its path). */
export const regex = z.string().transform((v, ctx) => {
  try {
    return new RegExp(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(err as Error).message}` });
    return z.NEVER;
  }
});
