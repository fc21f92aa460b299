// What a reader can account from the messages a robot received (zh-CN markdown, the default voice):
// a storm summary's total (`N 条 Warning`), a digest line's `×count` (a new incident: every occurrence
// from count 1) or `（+n）` (a grown one), one incident's `N 次` / `N 次（+n）`. Reminders (持续) and
// resolved notices (已恢复) account nothing new.
import type { RecordedMessage } from '@kube-herald/dingtalk-standin';

const num = (s: string | undefined): number => Number((s ?? '0').replace(/,/g, ''));

/** Occurrences one message accounts, read from its text. */
export function accountedInText(text: string): number {
  const storm = /【风暴】.* (\d[\d,]*) 条 (?:Warning|事件)/.exec(text);
  if (storm) return num(storm[1]);
  if (/^#### 【(?:持续|恢复)】/.test(text)) return 0;
  let sum = 0;
  for (const line of text.split('\n')) {
    const item = /^\d+\. \*\*(?!已恢复|持续).*?×([\d,]+)(?:（\+([\d,]+)）)?/.exec(line);
    if (item) sum += item[2] === undefined ? num(item[1]) : num(item[2]);
    const one = /^- \*\*次数\*\*: ([\d,]+) 次(?:（\+([\d,]+)）)?/.exec(line);
    if (one) sum += one[2] === undefined ? num(one[1]) : num(one[2]);
  }
  return sum;
}

/** Accounting of a run from the robots' messages. */
export interface MessageAccounting {
  /** Occurrences the messages account in total. */
  readonly accounted: number;
  /** Share (0..1) of events shown by a message received within `withinMs` after the event was created. */
  readonly inTimeShare: number;
}

/**
 * `createdAt`: creation time of every event, in order. An event (the k-th created) counts as in time when
 * the messages received by its creation + `withinMs` account at least k occurrences (messages account
 * events as totals, so the k-th is covered once k are).
 */
export function accountMessages(
  messages: readonly RecordedMessage[],
  createdAt: readonly number[],
  withinMs: number,
): MessageAccounting {
  const byTime = messages.map((m) => ({ t: m.time, n: accountedInText(m.text) })).sort((a, b) => a.t - b.t);
  const cumulative: { t: number; total: number }[] = [];
  let total = 0;
  for (const m of byTime) cumulative.push({ t: m.t, total: (total += m.n) });
  const times = [...createdAt].sort((a, b) => a - b);
  let j = 0;
  let inTime = 0;
  times.forEach((t, k) => {
    while (j < cumulative.length && cumulative[j]!.t <= t + withinMs) j++;
    const by = j === 0 ? 0 : cumulative[j - 1]!.total;
    if (by >= k + 1) inTime++;
  });
  return { accounted: total, inTimeShare: times.length === 0 ? 1 : inTime / times.length };
}
