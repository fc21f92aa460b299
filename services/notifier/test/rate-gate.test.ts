import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { EventV1 } from '@kube-herald/events';
import { redisUrl, uniqueName } from '@kube-herald/testing';
import { createRateGate, gateStatus, robotKeyOf } from '../src/rate-gate.js';
import { createHarness, metricValue, until, warning } from './pipeline-harness.js';
import { withRedis } from './redis-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('robot key: one per access token, whatever else the URL says; the token is not in it', () => {
  const a = robotKeyOf('https://oapi.dingtalk.com/robot/send?access_token=abc123');
  assert.equal(a, robotKeyOf('https://oapi.dingtalk.com/robot/send?access_token=abc123&x=1'));
  assert.equal(a, robotKeyOf('http://127.0.0.1:9/robot/send?foo=2&access_token=abc123'));
  assert.notEqual(a, robotKeyOf('https://oapi.dingtalk.com/robot/send?access_token=abc124'));
  assert.doesNotMatch(a, /abc123/);
});

test('throttle blocks escalate (base, ×2 … max), do not escalate while blocked, reset after a clean period; status shows them', () =>
  withRedis('khgate', async (redis, prefix) => {
    const gate = createRateGate({ redis, prefix, throttleBaseMs: 200, throttleMaxMs: 1000, cleanMs: 400 });
    const robot = robotKeyOf('http://127.0.0.1/robot/send?access_token=t1');
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      const b = await gate.throttled(robot);
      assert.equal(b.level, i);
      seen.push(b.blockMs);
      // a second answer while blocked (a send already in flight) does not escalate
      const again = await gate.throttled(robot);
      assert.equal(again.level, i);
      assert.ok(again.blockMs <= b.blockMs);
      const st = await gate.status(robot);
      assert.ok(st.blockedMs > 0 && st.blockedMs <= b.blockMs);
      assert.equal(st.throttleLevel, i);
      assert.equal((await gate.acquire(robot, 18, `m${i}`)).granted, false, 'blocked: no slot');
      await sleep(b.blockMs + 20);
    }
    assert.deepEqual(seen, [200, 400, 800, 1000, 1000]);
    await sleep(450); // a clean period after the last block ended
    assert.deepEqual(await gate.throttled(robot), { blockMs: 200, level: 0 });
    // slots: the window counts every sender of the robot
    await sleep(220);
    const slot = await gate.acquire(robot, 2, 'x1');
    assert.equal(slot.granted, true);
    assert.equal((await gateStatus(redis, prefix, robot)).used, 1);
  }));

test('per-second budget: at most N in any rolling second, fleet-wide across gates, atomically with the minute window', async () => {
  const redis = new Redis(redisUrl());
  const other = new Redis(redisUrl());
  const prefix = uniqueName('khgate1s');
  try {
    const a = createRateGate({ redis, prefix });
    const b = createRateGate({ redis: other, prefix });
    const robot = robotKeyOf('http://127.0.0.1/open-apis/bot/v2/hook/tok-1s');
    // spaced: the first is granted, the next one at once is told to wait at most 1000/3 ms
    assert.equal((await a.acquire(robot, 100, 's0', { perSecond: 3 })).granted, true);
    const refused = await b.acquire(robot, 100, 's1', { perSecond: 3 });
    assert.ok(!refused.granted && refused.waitMs > 0 && refused.waitMs <= 334, JSON.stringify(refused));
    assert.equal((await a.status(robot)).used, 1, 'a refused take is not counted in the minute window');
    // a slot given back frees the second too
    await a.release(robot, 's0');
    assert.equal((await b.acquire(robot, 100, 's1b', { perSecond: 3 })).granted, true);
    // three in a second at most, whatever the spacing lets through
    for (let i = 2; i < 6; i++) {
      const ans = await a.acquire(robot, 100, `s${i}`, { perSecond: 3 });
      if (!ans.granted) await sleep(ans.waitMs);
    }
    const recent = await redis.zcount(`${prefix}:rate1s:${robot}`, '-inf', '+inf');
    assert.ok(recent <= 3, `${recent} in the second window`);
    // a full minute window refuses without touching the second window
    assert.equal((await a.acquire(robot, 3, 'x', { perSecond: 3 })).granted, false);
    assert.equal(await redis.zscore(`${prefix}:rate1s:${robot}`, 'x'), null);
    // two gates (two connections) racing for 2.5 s: by Redis' own clock, never more than 5 in a second
    await redis.del(`${prefix}:rate:${robot}`, `${prefix}:rate1s:${robot}`);
    const end = Date.now() + 2500;
    const race = async (g: typeof a, tag: string): Promise<number> => {
      let granted = 0;
      for (let i = 0; Date.now() < end; i++) {
        const ans = await g.acquire(robot, 1000, `${tag}${i}`, { perSecond: 5 });
        if (ans.granted) granted += 1;
        else await sleep(Math.min(ans.waitMs, 50));
      }
      return granted;
    };
    const [ga, gb] = await Promise.all([race(a, 'a'), race(b, 'b')]);
    const scores = (await redis.zrange(`${prefix}:rate:${robot}`, 0, -1, 'WITHSCORES'))
      .filter((_, i) => i % 2 === 1)
      .map(Number);
    assert.equal(scores.length, ga + gb);
    assert.ok(ga > 0 && gb > 0, `both senders got slots (${ga}, ${gb})`);
    assert.ok(scores.length >= 10 && scores.length <= 15, `${scores.length} grants in 2.5 s at 5/s`);
    for (const t of scores) {
      const inSecond = scores.filter((u) => u >= t && u < t + 1000).length;
      assert.ok(inSecond <= 5, `${inSecond} grants in the second from ${t}`);
    }
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([redis.quit(), other.quit()]);
  }
});

test('no per-second budget declared: the minute window alone decides (no second key written)', () =>
  withRedis('khgate0', async (redis, prefix) => {
    const gate = createRateGate({ redis, prefix });
    const robot = robotKeyOf('http://127.0.0.1/robot/send?access_token=t-burst');
    for (let i = 0; i < 12; i++) assert.equal((await gate.acquire(robot, 12, `b${i}`)).granted, true);
    assert.equal((await gate.acquire(robot, 12, 'b12')).granted, false);
    assert.equal((await gate.acquire(robot, 13, 'b13', { perSecond: 0 })).granted, true, '0 means none');
    assert.equal(await redis.exists(`${prefix}:rate1s:${robot}`), 0);
  }));

test("a throttle answer's Retry-After (minMs) lengthens the block, never shortens it, at most the max", () =>
  withRedis('khgateRA', async (redis, prefix) => {
    const gate = createRateGate({ redis, prefix, throttleBaseMs: 200, throttleMaxMs: 1000, cleanMs: 5000 });
    const robot = robotKeyOf('http://127.0.0.1/services/T1/B1/retry-after');
    assert.deepEqual(
      await gate.throttled(robot, { minMs: 50 }),
      { blockMs: 200, level: 0 },
      'the escalation wins',
    );
    const longer = await gate.throttled(robot, { minMs: 600 });
    assert.equal(longer.level, 0, 'an answer while blocked does not escalate');
    assert.equal(longer.blockMs, 600, 'but a longer Retry-After extends the block');
    assert.ok((await gate.status(robot)).blockedMs > 400);
    await sleep(620);
    assert.deepEqual(await gate.throttled(robot, { minMs: 60_000 }), { blockMs: 1000, level: 1 }, 'capped');
    assert.equal((await gate.acquire(robot, 18, 'm')).granted, false);
  }));

test('two receivers on one robot (different mentions) share its gate: ≤ 18 per rolling minute together, every event delivered to both', async () => {
  const route = {
    receiver: 'a',
    groupBy: ['cluster', 'namespace'],
    groupWait: '200ms',
    groupInterval: '2s',
    repeatInterval: '1h',
    routes: [
      { match: { type: 'Warning' }, receiver: 'a', continue: true },
      { match: { type: 'Warning' }, receiver: 'b' },
    ],
  };
  const h = await createHarness({
    robots: [{ name: 'a' }, { name: 'b', robot: 'a', mentions: { mobiles: ['13800000001'] } }],
    route,
  });
  try {
    // 18/min over a 20 s window: 6 slots per 20 s for the robot (per receiver before: 12 together)
    const n = await h.instance({ rateWindowMs: 20_000, concurrency: 4 });
    const pods = Array.from({ length: 60 }, (_, i) => ({ ns: `ns-${i % 12}`, name: `p-${i}` }));
    for (let c = 1; c <= 12; c++) {
      const round: EventV1[] = pods.map((p) => warning(p, c));
      await h.publish(round);
      await sleep(3000);
    }
    await until(
      async () => (await metricValue(n.registry, 'kube_herald_notifier_events_notified_total')) === 1440,
      90_000,
      'every event delivered to both receivers',
    );
    const robot = h.standin.stats().robots.a!;
    assert.ok(robot.maxPerMinute <= 18, `${robot.maxPerMinute} messages in a rolling minute on one robot`);
    assert.equal(robot.throttleAnswers, 0, 'never throttled');
    const msgs = h.standin.messages('a');
    assert.ok(
      msgs.some((m) => m.at.atMobiles.includes('13800000001')),
      'receiver b sent some',
    );
    assert.ok(
      msgs.some((m) => !m.at.atMobiles.includes('13800000001')),
      'receiver a sent some',
    );
    assert.ok((await metricValue(n.registry, 'kube_herald_notifier_rate_gate_waits_total')) > 0);
  } finally {
    await h.close();
  }
});

test('repeated throttle answers: the block escalates (1 s, 2 s, 4 s), visible in metrics; then delivered', async () => {
  const h = await createHarness({
    robots: [{ name: 'oncall' }],
    route: { receiver: 'oncall', groupWait: '100ms', groupInterval: '1s', repeatInterval: '1h' },
  });
  try {
    h.standin.faults.inject({ robot: 'oncall', mode: 'throttle', times: 3 });
    // one send at a time: answers that arrive while a block is already set do not escalate it (the Lua
    // test above), and this case measures the escalation of answers in a row
    const a = await h.instance({ throttleBackoffMs: 1000, concurrency: 1 });
    const started = Date.now();
    await h.publish([warning({ ns: 'orders', name: 'w-0' }, 1)]);
    await until(() => h.standin.messages('oncall').length === 1, 30_000, 'delivered after the blocks');
    const took = Date.now() - started;
    assert.ok(took >= 7000, `three blocks 1 + 2 + 4 s before delivery (${took} ms)`);
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_throttled_total'), 3);
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_throttle_block_seconds'), 4);
  } finally {
    await h.close();
  }
});
