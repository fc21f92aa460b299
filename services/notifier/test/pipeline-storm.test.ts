import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventV1 } from '@kube-herald/events';
import { createHarness, metricValue, testRoute, until, warning, type Instance } from './pipeline-harness.js';

const ROBOTS = ['r0', 'r1', 'r2'];
const route = testRoute({
  receiver: 'r0',
  repeatInterval: '1s',
  routes: [
    { match: { namespace: 'ns-[0-2]' }, receiver: 'r1' },
    { match: { namespace: 'ns-[3-5]' }, receiver: 'r2' },
  ],
});

async function total(
  instances: readonly Instance[],
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  let n = 0;
  for (const i of instances) n += await metricValue(i.registry, name, labels);
  return n;
}

test('storm: 20,000 Warning events over 200 objects to 3 robots, two replicas, ≤ 20/min per robot, all accounted', async () => {
  const h = await createHarness({ robots: ROBOTS.map((name) => ({ name })), route, partitions: 4 });
  try {
    // 20 s window: 18/min scales to 6 per 20 s, which allows at most 18 in any rolling minute
    const opts = { rateWindowMs: 20_000, concurrency: 4 };
    const replicas = [await h.instance(opts), await h.instance(opts)];
    const objects = Array.from({ length: 200 }, (_, i) => ({
      ns: `ns-${i % 10}`,
      name: `pod-${i}`,
      reason: i % 2 === 0 ? 'BackOff' : 'FailedScheduling',
    }));
    const counts = new Map<string, number>();
    const wave = (): EventV1[] =>
      Array.from({ length: 1000 }, (_, i) => {
        const o = objects[i % objects.length]!;
        const c = (counts.get(o.name) ?? 0) + 1;
        counts.set(o.name, c);
        return warning(o, c);
      });
    const started = Date.now();
    for (let w = 0; w < 20; w++) {
      await h.publish(wave());
      await new Promise((r) => setTimeout(r, 1000));
    }
    await until(
      async () => (await total(replicas, 'kube_herald_notifier_events_notified_total')) === 20_000,
      90_000,
      'every event accounted',
    );
    const stats = h.standin.stats();
    for (const r of ROBOTS) {
      const s = stats.robots[r]!;
      assert.ok(s.maxPerMinute <= 20, `${r}: ${s.maxPerMinute} messages in a rolling minute`);
      assert.equal(s.throttleAnswers, 0, `${r}: no throttle answers`);
      assert.ok(s.accepted >= 1);
    }
    assert.equal(await total(replicas, 'kube_herald_notifier_grouped_total'), 20_000);
    assert.equal(await total(replicas, 'kube_herald_notifier_deduped_total'), 0);
    const sent = await total(replicas, 'kube_herald_notifier_messages_sent_total');
    const accepted = ROBOTS.reduce((n, r) => n + (stats.robots[r]?.accepted ?? 0), 0);
    assert.equal(sent, accepted, 'every sent message reached the robot exactly once');
    const storms = ROBOTS.flatMap((r) => h.standin.messages(r)).filter((m) => m.text.includes('【风暴】'));
    assert.ok(storms.length > 0, 'the budget forced storm summaries');
    // a storm summary names a next one only when one is scheduled, and then it comes
    const all = ROBOTS.flatMap((r) => h.standin.messages(r));
    for (const m of storms) {
      if (!/下一次汇总 \d{2}:\d{2}/.test(m.text)) continue;
      assert.ok(
        all.some((o) => o.robot === m.robot && o.time > m.time),
        'the promised summary came',
      );
    }
    assert.ok(
      (await total(replicas, 'kube_herald_notifier_rate_gate_waits_total')) > 0,
      'the gate held deliveries back',
    );
    for (const i of replicas)
      assert.ok(
        (await metricValue(i.registry, 'kube_herald_notifier_consumed_total')) > 0,
        'both replicas consumed',
      );
    assert.ok(Date.now() - started < 120_000);
  } finally {
    await h.close();
  }
});
