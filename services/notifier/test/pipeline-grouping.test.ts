import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedMessage } from '@kube-herald/dingtalk-standin';
import type { EventV1 } from '@kube-herald/events';
import { createHarness, metricValue, until, warning } from './pipeline-harness.js';

const REPEAT_MS = 3000;
const GI_MS = 500;
const route = {
  receiver: 'oncall',
  groupBy: ['cluster', 'namespace'],
  groupWait: '200ms',
  groupInterval: `${GI_MS}ms`,
  repeatInterval: `${REPEAT_MS}ms`,
  // no resolved notices here (the second test has them): idle groups expire as soon as they are idle
  resolveAfter: '0s',
};

const INCIDENTS = [
  { ns: 'ns-a', name: 'api-0' },
  { ns: 'ns-a', name: 'api-1' },
  { ns: 'ns-a', name: 'api-2' },
  { ns: 'ns-b', name: 'web-0' },
  { ns: 'ns-b', name: 'web-1' },
];

interface Accounted {
  /** Highest `×count` each incident (pod) shows in any message. */
  readonly maxCount: Map<string, number>;
  /** Occurrences each message accounts: `×count` of a new incident, `（+n）` of a grown one. */
  readonly perMessage: number[];
}

/**
 * Reads the accounted counts out of the rendered digests (zh-CN markdown): one numbered line per
 * incident, `1. **BackOff** Pod api-0（Deployment api）×3（…）` for a new incident, `×5（+2）（…）` for growth.
 */
function accounted(messages: readonly RecordedMessage[]): Accounted {
  const maxCount = new Map<string, number>();
  const perMessage: number[] = [];
  for (const m of messages) {
    let sum = 0;
    for (const line of m.text.split('\n')) {
      const item = /^\d+\. .*?Pod (\S+?)（.*?×([\d,]+)(?:（\+([\d,]+)）)?/.exec(line);
      if (!item) continue;
      const [, pod = '', count = '0', grown] = item;
      const n = Number(count.replace(/,/g, ''));
      maxCount.set(pod, Math.max(maxCount.get(pod) ?? 0, n));
      sum += grown === undefined ? n : Number(grown.replace(/,/g, ''));
    }
    perMessage.push(sum);
  }
  return { maxCount, perMessage };
}

test('growth is news at groupInterval, idle groups expire, and the rendered ×counts account for every event', async () => {
  const h = await createHarness({ robots: [{ name: 'oncall' }], route });
  try {
    const a = await h.instance({ groupIdleMs: 1500 });
    const counts = new Map<string, number>();
    const wave = (incidents: typeof INCIDENTS, per: number): EventV1[] =>
      incidents.flatMap((o) =>
        Array.from({ length: per }, () => {
          const c = (counts.get(o.name) ?? 0) + 1;
          counts.set(o.name, c);
          return warning(o, c);
        }),
      );
    const msgs = () => h.standin.messages('oncall');
    await h.publish(wave(INCIDENTS, 3));
    await until(() => msgs().length === 2, 30_000, 'one message per namespace group');
    const firstOf = (ns: string) => msgs().find((m) => m.text.includes(ns))?.time ?? Infinity;
    const first = { 'ns-a': firstOf('ns-a'), 'ns-b': firstOf('ns-b') };

    // the same incidents grow: a changed group is news at groupInterval (500 ms), long before repeatInterval
    await h.publish(wave(INCIDENTS, 2));
    await until(() => msgs().length === 4, 30_000, 'growth reported at groupInterval');
    for (const m of msgs().slice(2)) {
      const since = m.time - (m.text.includes('ns-a') ? first['ns-a'] : first['ns-b']);
      assert.ok(since >= GI_MS, `growth ${since} ms after its group's first message (≥ groupInterval)`);
      assert.ok(since < REPEAT_MS, `growth ${since} ms after its group's first message (< repeatInterval)`);
      assert.match(m.text, /（\+2）/, 'the message says how much the incident grew');
      assert.match(m.text, /个增长/);
    }
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_grouped_total'), 25);

    // nothing new for longer than the idle time: the groups expire (and with them the incidents)
    const groupKeys = () => h.redis.keys(`${h.config.redis.prefix}:n:g:*`);
    await until(async () => (await groupKeys()).length === 0, 20_000, 'idle groups deleted');
    await h.publish(wave(INCIDENTS.slice(0, 2), 2));
    await until(() => msgs().length === 5, 30_000, 'a returning incident opens a new group');
    assert.match(msgs()[4]!.text, /2 个新问题/, 'after expiry the incidents are new again');

    const produced = [...counts.values()].reduce((x, y) => x + y, 0);
    const fromText = accounted(msgs());
    assert.equal(fromText.maxCount.size, INCIDENTS.length);
    for (const [pod, n] of counts) assert.equal(fromText.maxCount.get(pod), n, `${pod}: last ×count`);
    // the first four messages: ×count of new incidents + （+n） of grown ones = the 25 events of waves 1–2
    assert.equal(
      fromText.perMessage.slice(0, 4).reduce((x, y) => x + y, 0),
      25,
    );
    assert.equal(produced, 29);
    // the metric follows the commit, a moment after the robot accepted the message
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_events_notified_total')) === produced,
      10_000,
      'every event counted as notified',
    );
  } finally {
    await h.close();
  }
});

test('mentions from the involved object label: in `at` and in the text; objects without it mention nobody', async () => {
  const label = 'team.example.com/oncall-mobile';
  const h = await createHarness({
    robots: [{ name: 'oncall', mentions: { fromLabel: label } }],
    route: { ...route, groupBy: ['namespace'] },
  });
  try {
    await h.instance();
    await h.publish([
      warning({ ns: 'payments', name: 'api-0', labels: { [label]: '13800000001, 13800000002' } }, 1),
      warning({ ns: 'orders', name: 'db-0', labels: { app: 'db' } }, 1),
    ]);
    await until(() => h.standin.messages('oncall').length === 2, 30_000, 'two messages');
    const [payments, orders] = ['payments', 'orders'].map((ns) =>
      h.standin.messages('oncall').find((m) => m.text.includes(ns)),
    );
    assert.ok(payments && orders);
    assert.deepEqual([...payments.at.atMobiles].sort(), ['13800000001', '13800000002']);
    assert.match(payments.text, /@13800000001/);
    assert.match(payments.text, /@13800000002/);
    assert.deepEqual(orders.at.atMobiles, []);
    assert.doesNotMatch(orders.text, /@1\d{10}/);
  } finally {
    await h.close();
  }
});

test('an unchanged group gets reminders at repeatInterval; a quiet incident is reported once as resolved (per-route resolveAfter, 0 disables)', async () => {
  const h = await createHarness({
    robots: [{ name: 'oncall' }],
    route: {
      ...route,
      repeatInterval: '2500ms',
      resolveAfter: '5s',
      routes: [{ match: { namespace: 'ns-b' }, resolveAfter: '0s' }],
    },
  });
  try {
    await h.instance();
    // Before the events are made and sent: whatever the notifier counts resolveAfter from lies after it.
    const published = Date.now();
    await h.publish([warning({ ns: 'ns-a', name: 'api-0' }, 1), warning({ ns: 'ns-a', name: 'api-0' }, 2)]);
    await h.publish([warning({ ns: 'ns-b', name: 'web-0' }, 1)]);
    const of = (ns: string) => h.standin.messages('oncall').filter((m) => m.text.includes(ns));
    const isResolved = (m: RecordedMessage) => m.text.includes('【恢复】');
    await until(() => of('ns-a').some(isResolved), 30_000, 'the resolved notice');
    const a = of('ns-a');
    const resolved = a.filter(isResolved);
    assert.equal(resolved.length, 1);
    const notice = resolved[0]!;
    assert.match(notice.text, /^#### 【恢复】/);
    assert.match(notice.text, /\*\*次数\*\*: 2 次/, 'with its total count');
    assert.match(notice.title ?? '', /已恢复 BackOff ns-a\/api/);
    const after = notice.time - published;
    assert.ok(after >= 5000 && after < 5000 + 3000, `resolved ${after} ms after the last occurrence`);
    assert.ok(
      a.some((m) => m.text.startsWith('#### 【持续】') && m.time < notice.time),
      'a reminder of the unchanged group came at repeatInterval before',
    );
    // forgotten after the notice: no further ns-a message; ns-b (resolveAfter 0) only gets reminders
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(of('ns-a').length, a.length, 'nothing more about a resolved incident');
    const b = of('ns-b');
    // one reminder at repeatInterval, then the idle group (repeatInterval + groupInterval) is forgotten
    assert.equal(b.length, 2, 'ns-b: its first message and one reminder');
    assert.ok(
      b.every((m) => !isResolved(m)),
      'resolveAfter 0: never resolved',
    );
    for (const m of b.slice(1)) assert.match(m.title ?? '', /^\[prod-hz\] 持续 BackOff ns-b\/web ×1$/);
  } finally {
    await h.close();
  }
});
