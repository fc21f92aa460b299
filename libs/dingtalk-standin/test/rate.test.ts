import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import type { DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { manualClock, post, text } from './helpers.js';

const clock = manualClock();
const standin = createDingtalkStandin({
  robots: [
    { name: 'a', token: 'tok-a' },
    { name: 'b', token: 'tok-b' },
  ],
  clock: clock.now,
  throttleMs: 120_000,
});
const send = async (s: DingtalkStandin, robot: string) => (await post(s.webhookFor(robot), text('m'))).json;

before(async () => {
  await standin.start();
});
after(() => standin.close());

test('20 per rolling minute, then 130101 for the whole throttle period', async () => {
  for (let i = 0; i < 20; i++) {
    assert.equal((await send(standin, 'a')).errcode, 0, `message ${i}`);
    clock.advance(1_000);
  }
  assert.deepEqual(await send(standin, 'a'), {
    errcode: 130101,
    errmsg: 'send too fast, exceed 20 times per minute',
  });
  // Other robots have their own budget.
  assert.equal((await send(standin, 'b')).errcode, 0);
  // The window has room again after 60 s, but the robot stays throttled for throttleMs (120 s).
  clock.advance(61_000);
  assert.equal((await send(standin, 'a')).errcode, 130101);
  clock.advance(58_000);
  assert.equal((await send(standin, 'a')).errcode, 130101);
  clock.advance(2_000);
  assert.equal((await send(standin, 'a')).errcode, 0);
  const stats = standin.stats().robots['a']!;
  assert.equal(stats.accepted, 21);
  assert.equal(stats.maxPerMinute, 20);
  assert.equal(stats.throttleAnswers, 3);
  assert.equal(stats.lastMinute, 1);
  assert.deepEqual(standin.answers['a'], { '0': 21, '130101': 3 });
});

test('the window is rolling: never more than 20 accepted in any 60 s', async () => {
  const accepted: number[] = [];
  // Bursts of 15 every 30 s for 5 minutes, against a robot that keeps being throttled.
  const quick = createDingtalkStandin({
    robots: [{ name: 'r', token: 't' }],
    clock: clock.now,
    throttleMs: 10_000,
  });
  await quick.start();
  try {
    for (let burst = 0; burst < 10; burst++) {
      for (let i = 0; i < 15; i++) {
        if ((await send(quick, 'r')).errcode === 0) accepted.push(clock.now());
        clock.advance(100);
      }
      clock.advance(30_000 - 1_500);
    }
    for (const t of accepted) {
      const inWindow = accepted.filter((u) => u > t - 60_000 && u <= t).length;
      assert.ok(inWindow <= 20, `${inWindow} accepted in the minute ending at ${t}`);
    }
    const st = quick.stats().robots['r']!;
    assert.equal(st.maxPerMinute, 20);
    assert.ok(st.throttleAnswers > 0);
    assert.equal(st.accepted, accepted.length);
  } finally {
    await quick.close();
  }
});

test('410100 variant and a custom rate', async () => {
  const s = createDingtalkStandin({
    robots: [{ name: 'r', token: 't' }],
    ratePerMinute: 2,
    throttleErrcode: 410100,
    clock: clock.now,
  });
  await s.start();
  try {
    assert.equal((await send(s, 'r')).errcode, 0);
    assert.equal((await send(s, 'r')).errcode, 0);
    assert.deepEqual(await send(s, 'r'), { errcode: 410100, errmsg: '发送速度太快而限流' });
    clock.advance(60_000); // default throttle period
    assert.equal((await send(s, 'r')).errcode, 0);
  } finally {
    await s.close();
  }
});
