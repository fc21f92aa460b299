const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'shortOffset',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A point in time as shown in a receiver's time zone. */
export interface LocalTime {
  /** `MM-DD` */
  readonly date: string;
  /** `HH:mm:ss` */
  readonly time: string;
  /** `HH:mm` */
  readonly minute: string;
  /** `UTC+8`, `UTC`, `UTC-3:30` */
  readonly offset: string;
}

/** Formats an ISO time in `timeZone` (an IANA name validated by the config). */
export function localTime(iso: string, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(iso))) parts[p.type] = p.value;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', 'UTC');
  return { date: `${parts.month}-${parts.day}`, time, minute: time.slice(0, 5), offset };
}

/** Shows a time, prefixed with its date when it is not on the same local day as `ref`. */
export function timeOn(iso: string, ref: string, timeZone: string, precision: 'time' | 'minute'): string {
  const t = localTime(iso, timeZone);
  const sameDay = localTime(ref, timeZone).date === t.date;
  return `${sameDay ? '' : `${t.date} `}${t[precision]}`;
}

/** `12,480` */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
