// A run's accounting from the robots' messages (each message's share: accountedInText in the DingTalk stand-in).
import { accountedInText, type RecordedMessage } from '@kube-herald/dingtalk-standin';

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
