const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** A Kubernetes Time / MicroTime value, validated and converted to UTC. */
export interface ParsedTime {
  /** Millisecond-precision ISO 8601 UTC (`Date#toISOString`). */
  readonly iso: string;
  /** ISO 8601 UTC keeping every fractional digit of the input (MicroTime stays microseconds). */
  readonly precise: string;
  /** True for Go's zero time `0001-01-01T00:00:00Z`, which Kubernetes writes for "unset". */
  readonly zero: boolean;
}

/**
 * Parses an RFC 3339 timestamp strictly (calendar-checked, no leap second, explicit offset).
 * Returns undefined for anything else; `Date.parse` is deliberately not used, it accepts too much.
 */
export function parseKubeTime(text: string): ParsedTime | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year, month - 1, day);
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!roundTrips) return undefined;
  const fraction = m[7] ?? '';
  const offset = m[8] ?? 'Z';
  if (offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const [oh, om] = offset.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return undefined;
    date.setTime(date.getTime() - sign * (oh * 60 + om) * 60_000);
  }
  date.setUTCMilliseconds(Number((fraction + '000').slice(1, 4)));
  const iso = date.toISOString();
  // Years outside 0000–9999 become ±YYYYYY in toISOString; RFC 3339 cannot express them.
  if (iso.length !== 24) return undefined;
  const zero = year === 1 && month === 1 && day === 1 && hour === 0 && minute === 0 && second === 0;
  return { iso, precise: iso.slice(0, 19) + fraction + 'Z', zero };
}
