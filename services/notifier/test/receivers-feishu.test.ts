// End to end for `type: feishu`: Kafka records → notifier (real Kafka, real Redis) → Feishu stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createFeishuStandin, type FeishuStandin, type StandinBot } from '@kube-herald/feishu-standin';
import { metricValue, until, warning } from './pipeline-harness.js';
import { createPlatformWorld, type PlatformWorld } from './platform-world.js';

const SECRET = 'SEC-feishu-0123456789';

/** A Feishu bot "ops", a topic, one `type: feishu` receiver for it; notifiers started by `instance()`. */
function setup(
  bot: Omit<StandinBot, 'name' | 'token'>,
  receiver: Record<string, unknown>,
  route: Record<string, unknown> = {},
): Promise<PlatformWorld<FeishuStandin>> {
  return createPlatformWorld({
    standin: createFeishuStandin({ bots: [{ name: 'ops', token: 'tok-ops-0123456789', ...bot }] }),
    label: 'feishu',
    receivers: (standin) => [
      { name: 'ops', type: 'feishu', webhook: standin.webhookFor('ops'), keywords: ['K8s'], ...receiver },
    ],
    route: { groupBy: ['cluster', 'namespace'], repeatInterval: '1h', ...route },
  });
}

test('feishu end to end: Kafka records → signed cards the bot accepts; mentions from config and label; hostile text escaped', async () => {
  const s = await setup(
    { secret: SECRET, keywords: ['K8s'] },
    { secret: SECRET, mentions: { atAll: true, fromLabel: 'team/oncall' } },
  );
  try {
    const a = await s.instance();
    const hostile = { ...warning({ ns: 'orders', name: 'w-0', labels: { 'team/oncall': 'ou_alice' } }, 1) };
    const evil = {
      ...hostile,
      message: 'x <at user_id="all"></at> <at id=ou_mallory></at> [点我](https://evil.example) done',
    };
    await s.publish([
      evil,
      warning({ ns: 'orders', name: 'w-1' }, 1),
      warning({ ns: 'billing', name: 'w-2' }, 1),
    ]);
    await until(async () => (await a.notified()) === 3, 30_000, 'three events notified');
    const msgs = s.standin.messages('ops');
    assert.equal(msgs.length, 2, 'one card per group (cluster, namespace)');
    for (const m of msgs) {
      assert.equal(m.msgType, 'interactive');
      assert.equal(m.signed, true, 'valid signature (checked by the stand-in)');
      assert.equal(m.links.length, 0, 'no link rendered');
      assert.match(m.text, /K8s/);
    }
    const orders = msgs.find((m) => m.title?.includes('orders'));
    assert.ok(orders, 'a card for orders');
    assert.deepEqual(
      [...orders.mentions].sort(),
      ['all', 'ou_alice'],
      'config @all + the label; nothing from the event text',
    );
    assert.ok(orders.text.includes('＜at user\\_id="all"'), 'the text is shown, neutralized');
    assert.equal(s.standin.stats().bots.ops?.answers['19021'], undefined);
  } finally {
    await s.close();
  }
});

test('feishu storm: two notifiers share the bot gate — ≤ 5 per second at the bot, zero 11232 answers, every event delivered', async () => {
  const s = await setup({}, { msgType: 'text' }, { groupWait: '100ms' });
  try {
    const a = await s.instance({ concurrency: 8 });
    const b = await s.instance({ concurrency: 8 });
    const events = Array.from({ length: 40 }, (_, i) => warning({ ns: `ns-${i}`, name: `p-${i}` }, 1));
    const started = Date.now();
    await s.publish(events);
    await until(async () => (await a.notified()) + (await b.notified()) === 40, 60_000, 'all delivered');
    const took = Date.now() - started;
    const st = s.standin.stats().bots.ops!;
    assert.equal(st.accepted, 40, 'one message per namespace');
    assert.equal(st.throttleAnswers, 0, 'never throttled');
    assert.ok(st.maxPerSecond <= 5, `${st.maxPerSecond} in one second at the bot`);
    assert.ok(took >= 8000, `40 messages at 4/s take ≥ 9 s (took ${took} ms)`);
    assert.ok(
      (await metricValue(a.registry, 'kube_herald_notifier_rate_gate_waits_total')) +
        (await metricValue(b.registry, 'kube_herald_notifier_rate_gate_waits_total')) >
        0,
    );
  } finally {
    await s.close();
  }
});

test('feishu faults: 11232 and 5xx are retried and delivered; 19021 (wrong secret) goes to the failed set after one try', async () => {
  const s = await setup({}, {});
  try {
    s.standin.faults.inject({ bot: 'ops', mode: 'throttle', times: 1 });
    s.standin.faults.inject({ bot: 'ops', mode: 'http5xx', times: 2 });
    const a = await s.instance();
    await s.publish([warning({ ns: 'orders', name: 'w-0' }, 1)]);
    await until(async () => (await a.notified()) === 1, 30_000, 'delivered after the faults');
    assert.deepEqual(
      [await a.attempts('throttle'), await a.attempts('retry'), await a.attempts('ok')],
      [1, 2, 1],
    );
    assert.equal(s.standin.messages('ops').length, 1);
  } finally {
    await s.close();
  }
  const bad = await setup({ secret: SECRET }, { secret: 'SEC-not-the-bots' });
  try {
    const a = await bad.instance();
    await bad.publish([warning({ ns: 'orders', name: 'w-9' }, 1)]);
    const failed = await a.failedJob('failed job');
    assert.equal(failed!.attemptsMade, 1, 'no retry of a permanent code');
    assert.match(failed!.failedReason, /19021/);
    assert.doesNotMatch(JSON.stringify(failed), /tok-ops|SEC-/, 'no token or secret in the failed entry');
    assert.equal(bad.standin.stats().bots.ops?.answers['19021'], 1);
    assert.equal(bad.standin.messages().length, 0);
  } finally {
    await bad.close();
  }
});

test('the stand-in checks signatures independently: a body signed the DingTalk way is refused with 19021', async () => {
  // guards the e2e "signed" assertion above: the stand-in checks Feishu's algorithm, not the client's code
  const standin = createFeishuStandin({
    bots: [{ name: 'ops', token: 'tok-ops-0123456789', secret: SECRET }],
  });
  await standin.start();
  try {
    const ts = Math.floor(Date.now() / 1000);
    const post = (sign: string) =>
      fetch(standin.webhookFor('ops'), {
        method: 'POST',
        body: JSON.stringify({ timestamp: String(ts), sign, msg_type: 'text', content: { text: 'K8s' } }),
      }).then(async (r) => ((await r.json()) as { code: number }).code);
    const dingtalkWay = createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64');
    const feishuWay = createHmac('sha256', `${ts}\n${SECRET}`).update('').digest('base64');
    assert.deepEqual([await post(dingtalkWay), await post(feishuWay)], [19021, 0]);
  } finally {
    await standin.close();
  }
});
