// What a reader can account from the messages a robot received (zh-CN markdown, the default voice):
// a storm summary's total (`N 条 Warning`), a digest line's `×count` (a new incident: every occurrence
// from count 1) or `（+n）` (a grown one), one incident's `N 次` / `N 次（+n）`. Reminders (持续) and
// resolved notices (已恢复) account nothing new.
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
