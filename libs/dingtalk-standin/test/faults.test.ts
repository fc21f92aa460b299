import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import { useStandinInTests } from '@kube-herald/standin-kit';
import { text } from './helpers.js';

let rolls: number[] = [];
const standin = createDingtalkStandin({
  robots: [
    { name: 'a', token: 'tok-a' },
    { name: 'b', token: 'tok-b' },
  ],
  random: () => rolls.shift() ?? 0.99,
});

async function hit(robot: string, timeoutMs = 2_000): Promise<string> {
  try {
    const res = await fetch(standin.webhookFor(robot), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(text('x')),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    return res.status === 200
      ? String((JSON.parse(body) as { errcode: number }).errcode)
      : `http${res.status}`;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'TimeoutError') return 'timeout';
    return `network:${(err as Error & { cause?: { code?: string } }).cause?.code ?? 'unknown'}`;
  }
}

useStandinInTests({ before, after, beforeEach }, standin, () => {
  rolls = [];
});

test('http5xx, errcode-1, throttle and reset, each used up after `times`', async () => {
  standin.faults.inject({ mode: 'http5xx', times: 1 });
  standin.faults.inject({ mode: 'errcode-1', times: 2 });
  standin.faults.inject({ mode: 'throttle', times: 1 });
  standin.faults.inject({ mode: 'reset', times: 1 });
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) seen.push(await hit('a'));
  assert.deepEqual(seen, ['http502', '-1', '-1', '130101', 'network:ECONNRESET', '0']);
  const st = standin.stats().robots['a']!;
  assert.equal(st.faults, 5);
  assert.equal(st.throttleAnswers, 1);
  assert.equal(st.accepted, 1);
  assert.equal(standin.messages('a').length, 1);
});

test('a fault aimed at one robot leaves the others alone; clearFaults removes it', async () => {
  standin.faults.inject({ robot: 'b', mode: 'errcode-1' });
  assert.equal(await hit('a'), '0');
  assert.equal(await hit('b'), '-1');
  assert.equal(await hit('b'), '-1');
  standin.clearFaults();
  assert.equal(await hit('b'), '0');
});

test('probability decides per request', async () => {
  standin.faults.inject({ mode: 'http5xx', probability: 0.5 });
  rolls = [0.1, 0.9, 0.4, 0.6];
  const seen = [await hit('a'), await hit('a'), await hit('a'), await hit('a')];
  assert.deepEqual(seen, ['http502', '0', 'http502', '0']);
});

test('delay holds the answer past a client deadline, then the message is still accepted', async () => {
  standin.faults.inject({ mode: 'delay', delayMs: 400, times: 1 });
  const started = Date.now();
  assert.equal(await hit('a', 150), 'timeout');
  // A timed-out request may still be delivered, as with the real service.
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(standin.messages('a').length, 1);
  assert.ok(Date.now() - started >= 400);
  standin.faults.inject({ mode: 'delay', delayMs: 50, times: 1 });
  assert.equal(await hit('a', 2_000), '0');
});

test('close() ends a pending delayed request and is idempotent', async () => {
  const s = createDingtalkStandin({ robots: [{ name: 'r', token: 't' }] });
  await s.start();
  s.faults.inject({ mode: 'delay', delayMs: 60_000 });
  const pending = fetch(s.webhookFor('r'), { method: 'POST', body: JSON.stringify(text('x')) }).then(
    () => 'answered',
    () => 'failed',
  );
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await Promise.all([s.close(), s.close()]);
  assert.equal(await pending, 'failed');
  assert.ok(Date.now() - started < 1_000);
  await s.close();
});
