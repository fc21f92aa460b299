// End to end for the WeCom receiver: real Kafka + Redis, notifier instances, the WeCom stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWecomStandin, type WecomStandin, type WecomStandinRobot } from '@kube-herald/wecom-standin';
import type { NotifierOptions } from '../src/notifier.js';
import { metricValue, until, warning } from './pipeline-harness.js';
import { startPlatformNotifier, type PlatformNotifier } from './platform-world.js';

type World = PlatformNotifier<WecomStandin>;

/** Stand-in robots, a topic, a notifier with one `type: wecom` receiver per robot (route by namespace). */
function world(
  robots: readonly WecomStandinRobot[],
  receivers: Record<string, Record<string, unknown>>,
  options: NotifierOptions = {},
  /** Receivers whose webhook has a key no robot has (a robot removed from its group: WeCom answers 93000). */
  unknown: readonly string[] = [],
): Promise<World> {
  const names = [...robots.map((c) => c.name), ...unknown];
  const hook = (standin: WecomStandin, name: string) =>
    unknown.includes(name)
      ? standin.webhookFor(robots[0]!.name).replace(/key=.*$/, `key=${name}-removed-robot-key`)
      : standin.webhookFor(name);
  return startPlatformNotifier({
    standin: createWecomStandin({ robots }),
    label: 'wecom',
    receivers: (standin) =>
      names.map((name) => ({ name, type: 'wecom', webhook: hook(standin, name), ...receivers[name] })),
    options,
  });
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const HOSTILE = '<@lisi> @all <font color="warning">red</font> [click](https://evil.example) **bold**';

test('Kafka records to WeCom messages: markdown within 4,096 bytes with "+N more", <@userid> only from config, hostile text inert', async () => {
  const w = await world([{ name: 'ops', key: 'e2e-key-ops-0001' }], {
    ops: { mentions: { userIds: ['zhangsan'] } },
  });
  try {
    const events = Array.from({ length: 80 }, (_, i) => ({
      ...warning({ ns: 'ops', name: `支付服务-${i}-${'长'.repeat(20)}` }, i === 0 ? 5 : 1),
      message: i === 0 ? HOSTILE : `${'磁盘压力'.repeat(60)} ${i}`,
    }));
    await w.publish(events);
    await until(async () => (await w.notified()) === 80, 30_000, 'every event notified');
    // the hostile event has the highest count: listed first
    // one group: one message, or a few when a slow fetch spreads the records past groupWait
    const msgs = w.standin.messages('ops');
    assert.ok(msgs.length >= 1 && msgs.length <= 3, `${msgs.length} messages`);
    for (const m of msgs) {
      assert.equal(m.msgtype, 'markdown');
      assert.ok(bytes(m.content) <= 4096, `${bytes(m.content)} bytes`);
      assert.deepEqual(m.mentionedList, ['zhangsan'], 'only the configured mention');
      assert.ok(
        !m.content.includes('<font') &&
          !m.content.includes('https://evil') &&
          !m.content.includes('**bold**'),
      );
    }
    const full = msgs.find((m) => /另有 \d+ 个问题未列出/.test(m.content));
    assert.ok(full, 'a message listing what fits, then "+N more"');
    assert.ok(bytes(full.content) > 2500, 'the budget is used');
    assert.ok(
      msgs.some((m) => m.content.includes('＜＠lisi＞ ＠all')),
      'the hostile text is shown, inert',
    );
    assert.equal(w.standin.stats().robots['ops']?.throttleAnswers, 0);
  } finally {
    await w.close();
  }
});

test('storm: 3,000 events over 90 objects in 30 namespaces to one robot — at most 20 in any rolling minute, zero 45009 answers, all accounted', async () => {
  // a 20 s rate window: 18/min scales to 6 per 20 s, at most 18 in any rolling minute
  const w = await world(
    [{ name: 'ops', key: 'storm-key-ops-0001' }],
    {},
    { rateWindowMs: 20_000, concurrency: 4 },
  );
  try {
    const started = Date.now();
    const gateWaits = (): Promise<number> =>
      metricValue(w.registry, 'kube_herald_notifier_rate_gate_waits_total');
    await w.storm((i) => ({ ns: `team-${i % 30}`, name: `pod-${i % 90}` }), 1000);
    await until(async () => (await w.notified()) === 3000, 90_000, 'every event accounted');
    // When the notifier reads the waves late (a loaded machine), they merge into so few messages that the
    // window's 6 suffice; a second storm (new objects, the same groups) then needs more than the window allows.
    let expected = 3000;
    if ((await gateWaits()) === 0) {
      await w.storm((i) => ({ ns: `team-${i % 30}`, name: `pod-again-${i % 90}` }), 1000);
      expected = 6000;
      await until(async () => (await w.notified()) === 6000, 90_000, 'every event of both storms accounted');
    }
    const s = w.standin.stats().robots['ops']!;
    assert.ok(s.maxPerMinute <= 20, `${s.maxPerMinute} messages in a rolling minute`);
    assert.equal(s.throttleAnswers, 0, 'no 45009 answer: the gate held the robot to its rate');
    assert.deepEqual(Object.keys(s.answers), ['0'], 'no refusal of any kind');
    const sent = await metricValue(w.registry, 'kube_herald_notifier_messages_sent_total');
    assert.equal(sent, s.accepted, 'every sent message reached the robot exactly once');
    for (const m of w.standin.messages('ops')) assert.ok(bytes(m.content) <= 4096);
    assert.ok(
      w.standin.messages('ops').some((m) => m.content.includes('【风暴】')),
      'the budget forced storm summaries',
    );
    assert.ok((await gateWaits()) > 0, `the gate held deliveries back (${expected} events)`);
    assert.ok(Date.now() - started < 200_000);
  } finally {
    await w.close();
  }
});

test('45009 and 5xx are retried until delivered; an invalid key (93000) goes to the failed set after one try', async () => {
  const w = await world([{ name: 'ops', key: 'retry-key-ops-0001' }], {}, {}, ['gone']);
  try {
    w.standin.faults.inject({ robot: 'ops', mode: 'throttle', times: 1 });
    w.standin.faults.inject({ robot: 'ops', mode: 'http5xx', times: 1 });
    w.standin.faults.inject({ robot: 'ops', mode: 'errcode-1', times: 1 });
    await w.publish(Array.from({ length: 6 }, (_, i) => warning({ ns: 'ops', name: `w-${i % 2}` }, i + 1)));
    await until(async () => (await w.notified()) === 6, 30_000, 'delivered after the faults');
    assert.equal(w.standin.messages('ops').length, 1);
    assert.equal(await w.attempts('throttle'), 1);
    assert.ok((await w.attempts('retry')) >= 2);
    assert.equal(
      await metricValue(w.registry, 'kube_herald_notifier_throttled_total', { receiver: 'ops' }),
      1,
    );

    // the robot of "gone" was removed from its group: WeCom answers 93000 for its key
    await w.publish([warning({ ns: 'gone', name: 'x-1' }, 1)]);
    const failed = await w.failedJob();
    assert.equal(failed?.attemptsMade, 1, 'no retry of a permanent answer');
    assert.match(failed?.failedReason ?? '', /webhook_invalid/);
    assert.ok(!(failed?.failedReason ?? '').includes('removed-robot-key'), 'the key is not in the reason');
    assert.equal(w.standin.unmatched()['93000'], 1);
  } finally {
    await w.close();
  }
});
