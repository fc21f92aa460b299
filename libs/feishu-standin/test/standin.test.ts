import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { FAULT_LIMIT, sendToStandin } from '@kube-herald/standin-kit';
import { createFeishuStandin } from '../src/index.js';

function signed(secret: string, tsSec: number, body: object): object {
  const sign = createHmac('sha256', `${tsSec}\n${secret}`).update('').digest('base64');
  return { timestamp: String(tsSec), sign, ...body };
}

const text = (t: string) => ({ msg_type: 'text', content: { text: t } });

async function post(url: string, body: unknown): Promise<{ status: number; code: number }> {
  const res = await sendToStandin(url, body);
  const json = (await res.json()) as { code: number };
  return { status: res.status, code: json.code };
}

test('checks in order: token, signature and its 1-hour window, IP, body shape, keyword, size', async () => {
  let now = 1_700_000_000_000;
  const s = createFeishuStandin({
    bots: [{ name: 'a', token: 'tok-a', secret: 'S', keywords: ['K8s'], ipAllowlist: ['127.0.0.1'] }],
    clock: () => now,
  });
  await s.start();
  try {
    const url = s.webhookFor('a');
    const ts = now / 1000;
    assert.equal((await post(url.replace('tok-a', 'nope'), text('K8s'))).code, 19001);
    assert.equal((await post(url, text('K8s'))).code, 19021, 'unsigned');
    assert.equal((await post(url, signed('S', ts - 3601, text('K8s')))).code, 19021, 'outside the hour');
    assert.equal((await post(url, signed('X', ts, text('K8s')))).code, 19021, 'wrong secret');
    assert.deepEqual(await post(url, 'not json'), { status: 400, code: 9499 });
    assert.equal((await post(url, signed('S', ts, { msg_type: 'text', content: {} }))).code, 9499);
    assert.equal((await post(url, signed('S', ts, text('no keyword')))).code, 19024);
    assert.equal((await post(url, signed('S', ts, text(`K8s ${'x'.repeat(20_000)}`)))).code, 19036);
    assert.deepEqual(await post(url, signed('S', ts - 3500, text('K8s ok'))), { status: 200, code: 0 });
    assert.equal(s.messages('a').length, 1);
    assert.equal(s.messages('a')[0]?.signed, true);
    now += 1;
    const other = createFeishuStandin({ bots: [{ name: 'b', token: 'tok-b', ipAllowlist: ['10.0.0.1'] }] });
    await other.start();
    try {
      assert.equal((await post(other.webhookFor('b'), text('x'))).code, 19022);
    } finally {
      await other.close();
    }
  } finally {
    await s.close();
  }
});

test('rates: 5 per second and 100 per minute per bot, then 11232; counts and maxima reported', async () => {
  let now = 1_700_000_000_000;
  const s = createFeishuStandin({
    bots: [
      { name: 'a', token: 'tok-a' },
      { name: 'b', token: 'tok-b' },
    ],
    clock: () => now,
  });
  await s.start();
  try {
    const url = s.webhookFor('a');
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await post(url, text(`m${i}`))).code);
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 11232]);
    assert.equal((await post(s.webhookFor('b'), text('other bot'))).code, 0, 'per bot');
    for (let sec = 1; sec < 20; sec++) {
      now += 1000;
      for (let i = 0; i < 5; i++) await post(url, text(`s${sec}-${i}`));
    }
    now += 1000;
    assert.equal(await post(url, text('101st')).then((r) => r.code), 11232, '100 in the last minute');
    now += 60_000;
    assert.equal((await post(url, text('later'))).code, 0);
    const st = s.stats().bots.a!;
    assert.deepEqual([st.accepted, st.maxPerSecond, st.maxPerMinute, st.throttleAnswers], [101, 5, 100, 2]);
  } finally {
    await s.close();
  }
});

test('faults: 5xx, throttle N times, reset; control API lists messages and injects faults', async () => {
  const s = createFeishuStandin({ bots: [{ name: 'a', token: 'tok-a' }] });
  const { url: base } = await s.start();
  try {
    const url = s.webhookFor('a');
    const inj = await fetch(`${base}/_standin/faults`, {
      method: 'POST',
      body: JSON.stringify({ bot: 'a', mode: 'throttle', times: 2 }),
    });
    assert.equal(inj.status, 200);
    s.faults.inject({ mode: 'http5xx', times: 1 });
    assert.deepEqual(await post(url, text('1')), { status: 200, code: 11232 });
    assert.equal((await post(url, text('2'))).code, 11232);
    const r = await fetch(url, { method: 'POST', body: JSON.stringify(text('3')) });
    assert.equal(r.status, 502);
    await r.text();
    assert.equal((await post(url, text('4'))).code, 0);
    s.faults.inject({ mode: 'reset', times: 1 });
    await assert.rejects(fetch(url, { method: 'POST', body: JSON.stringify(text('5')) }));
    const msgs = (await (await fetch(`${base}/_standin/messages?bot=a`)).json()) as { text: string }[];
    assert.deepEqual(
      msgs.map((m) => m.text),
      ['4'],
    );
    assert.equal(
      (await fetch(`${base}/_standin/faults`, { method: 'POST', body: '{"mode":"nope"}' })).status,
      400,
    );
    assert.equal(s.stats().bots.a?.faults, 4);
  } finally {
    await s.close();
  }
});

test('control API: a full fault set answers 409 until DELETE clears it', async () => {
  const s = createFeishuStandin({ bots: [{ name: 'a', token: 'tok-a' }] });
  const { url: base } = await s.start();
  try {
    for (let i = 0; i < FAULT_LIMIT; i++) s.faults.inject({ mode: 'http5xx', probability: 0 });
    const inject = (): Promise<Response> =>
      fetch(`${base}/_standin/faults`, { method: 'POST', body: '{"mode":"http5xx","times":1}' });
    assert.equal((await inject()).status, 409);
    assert.equal((await fetch(`${base}/_standin/faults`, { method: 'DELETE' })).status, 200);
    assert.equal((await inject()).status, 200);
  } finally {
    await s.close();
  }
});
