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
  return parseUtcFast(text) ?? parseGeneral(text);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Value of the `n` ASCII digits of `text` at `at`, or -1 when one is not a digit.
function digitsAt(text: string, at: number, n: number): number {
  let value = 0;
  for (let i = at; i < at + n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The shape the API server writes, `YYYY-MM-DDTHH:MM:SS[.frac]Z`, checked and converted without a
 * regex or a Date: the input already is UTC, so the ISO text is the input's own digits. Returns
 * undefined for anything else, which {@link parseGeneral} then decides, so results are identical.
 */
function parseUtcFast(text: string): ParsedTime | undefined {
  const len = text.length;
  if (len < 20 || len > 30) return undefined;
  const z = text.charCodeAt(len - 1);
  if (z !== 90 /* Z */ && z !== 122 /* z */) return undefined;
  const t = text.charCodeAt(10);
  if (t !== 84 /* T */ && t !== 116 /* t */ && t !== 32) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':') return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return undefined;
  let fraction = '';
  if (len > 20) {
    if (len < 22 || text[19] !== '.' || digitsAt(text, 20, len - 21) < 0) return undefined;
    fraction = text.slice(19, len - 1);
  }
  const ms = len > 20 ? (fraction + '000').slice(1, 4) : '000';
  const head = `${text.slice(0, 10)}T${text.slice(11, 19)}`;
  const zero = year === 1 && month === 1 && day === 1 && hour === 0 && minute === 0 && second === 0;
  return { iso: `${head}.${ms}Z`, precise: `${head}${fraction}Z`, zero };
}

function parseGeneral(text: string): ParsedTime | undefined {
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
