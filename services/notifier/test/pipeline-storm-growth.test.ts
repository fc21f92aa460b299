import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountedInText, type RecordedMessage } from '@kube-herald/dingtalk-standin';
import type { EventV1 } from '@kube-herald/events';
import { localTime } from '../src/render/time-format.js';
import { createHarness, until, warning } from './pipeline-harness.js';

// The storm of issue 13: 3,000 Warning events over 300 pods in 24 namespaces, each pod's count climbing
// 1 → 10, default grouping (groupBy cluster+namespace, groupWait 10s, groupInterval 1m, repeatInterval 4h).
// Every interval is scaled down by 6 (groupWait 1.67 s, groupInterval 10 s, repeatInterval 40 min, the
// storm 10 s instead of 60 s, the rate gate's window 10 s with 3 slots = 18 per minute).
const SCALE = 6;
const GI = 60_000 / SCALE;
const GATE_WINDOW = 60_000 / SCALE;
const route = {
  receiver: 'oncall',
  groupBy: ['cluster', 'namespace'],
  groupWait: `${Math.round(10_000 / SCALE)}ms`,
  groupInterval: `${GI}ms`,
  repeatInterval: `${(4 * 3_600_000) / SCALE}ms`,
};
const PODS = Array.from({ length: 300 }, (_, i) => ({ ns: `ns-${i % 24}`, name: `pod-${i}` }));

function accountedBy(messages: readonly RecordedMessage[], t: number): number {
  return messages.filter((m) => m.time <= t).reduce((n, m) => n + accountedInText(m.text), 0);
}

test('storm with climbing counts, default grouping scaled 1/6: every event in a message within groupInterval + gate wait, ≤ 18/min, no empty promise', async () => {
  const h = await createHarness({ robots: [{ name: 'oncall' }], route, partitions: 3 });
  try {
    await h.instance({ rateWindowMs: GATE_WINDOW, concurrency: 4 });
    const rounds: number[] = [];
    for (let c = 1; c <= 10; c++) {
      const round: EventV1[] = PODS.map((p) => warning(p, c));
      await h.publish(round);
      rounds.push(Date.now());
      await new Promise((r) => setTimeout(r, 60_000 / SCALE / 10));
    }
    const msgs = () => h.standin.messages('oncall');
    await until(() => accountedBy(msgs(), Infinity) >= 3000, 90_000, 'every event accounted in messages');
    // a little longer: nothing is accounted twice
    await new Promise((r) => setTimeout(r, GI));
    const all = msgs();
    assert.equal(accountedBy(all, Infinity), 3000, 'each event accounted exactly once');
    // each round is in messages received within groupInterval + the gate's wait (+ 5 s for Kafka, polls and a loaded CI machine)
    rounds.forEach((t, r) => {
      const by = t + GI + GATE_WINDOW + 5000;
      assert.ok(
        accountedBy(all, by) >= 300 * (r + 1),
        `round ${r + 1}: ${accountedBy(all, by)} accounted ${by - t} ms after it`,
      );
    });
    const stats = h.standin.stats().robots.oncall!;
    assert.ok(stats.maxPerMinute <= 18, `${stats.maxPerMinute} messages in a rolling minute`);
    assert.equal(stats.throttleAnswers, 0);
    const storms = all.filter((m) => m.text.includes('【风暴】'));
    assert.ok(storms.length >= 2, `the storm is reported to the end (${storms.length} summaries)`);
    assert.ok(
      storms.some((m) => /个增长/.test(m.text)),
      'a later summary says which incidents grew',
    );
    // a promised next summary comes by the end of the promised minute
    for (const m of all) {
      const next = /下一次汇总 (\d{2}:\d{2})/.exec(m.text)?.[1];
      if (!next) continue;
      const later = all.find((o) => o.time > m.time);
      assert.ok(later, `message ${m.id} promised a summary at ${next}; none came`);
      assert.ok(localTime(new Date(later.time).toISOString(), 'Asia/Shanghai').minute <= next);
    }
  } finally {
    await h.close();
  }
});
