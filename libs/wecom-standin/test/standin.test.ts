import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { sendToStandin, useStandinInTests } from '@kube-herald/standin-kit';
import { createWecomStandin } from '@kube-herald/wecom-standin';

let t = 1_700_000_000_000;
const standin = createWecomStandin({
  robots: [
    { name: 'oncall', key: 'key-oncall-0001' },
    { name: 'other', key: 'key-other-0002' },
  ],
  ratePerMinute: 3,
  clock: () => t,
});

async function post(
  url: string,
  body: unknown,
  method = 'POST',
): Promise<{ status: number; json: { errcode: number; errmsg: string } }> {
  const res = await sendToStandin(url, body, method, 'application/json');
  const text = await res.text();
  return { status: res.status, json: (text.startsWith('{') ? JSON.parse(text) : {}) as never };
}
const text = (content: string, extra: Record<string, unknown> = {}) => ({
  msgtype: 'text',
  text: { content, ...extra },
});

useStandinInTests({ before, after, beforeEach }, standin, () => (t += 3_600_000));

test('an accepted text message is HTTP 200 errcode 0 and recorded with its mentions', async () => {
  const r = await post(
    standin.webhookFor('oncall'),
    text('hello <@lisi>', { mentioned_list: ['zhangsan'], mentioned_mobile_list: ['13800001111'] }),
  );
  assert.deepEqual([r.status, r.json.errcode, r.json.errmsg], [200, 0, 'ok']);
  const [m] = standin.messages('oncall');
  assert.equal(m?.content, 'hello <@lisi>');
  assert.deepEqual(m?.mentionedList, ['zhangsan', 'lisi']);
  assert.deepEqual(m?.mentionedMobileList, ['13800001111']);
  assert.equal(standin.messages('other').length, 0);
});

test('checks in the real order: key → JSON → msgtype → content → bytes, each with its errcode in a 200', async () => {
  const base = standin.webhookFor('oncall');
  const noKey = base.replace(/\?key=.*$/, '');
  const cases: [string, unknown, number][] = [
    [`${noKey}?key=wrong`, 'not json', 93000],
    [noKey, text('x'), 93000],
    [base, 'not json', 40035],
    [base, { msgtype: 'news', news: {} }, 40008],
    [base, { msgtype: 'text', text: {} }, 44004],
    [base, text('x'.repeat(2049)), 40058],
    [base, { msgtype: 'markdown', markdown: { content: '字'.repeat(1366) } }, 40058],
    [base, text('x', { mentioned_list: 'zhangsan' }), 40058],
  ];
  for (const [url, body, errcode] of cases) {
    const r = await post(url, body);
    assert.equal(r.status, 200);
    assert.equal(r.json.errcode, errcode, JSON.stringify(body).slice(0, 60));
  }
  assert.equal((await post(base, null, 'GET')).json.errcode, 43002);
  // exactly at the limits: accepted (2,048 bytes of text, 4,095 bytes of 3-byte characters in markdown)
  assert.equal((await post(base, text('x'.repeat(2048)))).json.errcode, 0);
  const md = { msgtype: 'markdown', markdown: { content: '字'.repeat(1365) } };
  assert.equal((await post(base, md)).json.errcode, 0);
  assert.match(
    (await post(base, text('x'.repeat(2049)))).json.errmsg,
    /text\.content exceed max length 2048/,
  );
  assert.deepEqual(standin.unmatched(), { '93000': 2 });
});

test('the rate: at most ratePerMinute accepted in any rolling minute, then 45009 until the window frees', async () => {
  const url = standin.webhookFor('oncall');
  for (let i = 0; i < 3; i++) assert.equal((await post(url, text(`m${i}`))).json.errcode, 0);
  const over = await post(url, text('m3'));
  assert.equal(over.json.errcode, 45009);
  assert.match(over.json.errmsg, /^api freq out of limit/);
  assert.equal((await post(standin.webhookFor('other'), text('x'))).json.errcode, 0, 'per key');
  t += 59_999;
  assert.equal((await post(url, text('m4'))).json.errcode, 45009);
  t += 2;
  assert.equal((await post(url, text('m5'))).json.errcode, 0);
  const s = standin.stats().robots['oncall'];
  assert.deepEqual([s?.accepted, s?.maxPerMinute, s?.throttleAnswers], [4, 3, 2]);
});

test('faults: 5xx, errcode -1, throttle N times, delay; then normal handling', async () => {
  const url = standin.webhookFor('oncall');
  standin.faults.inject({ robot: 'oncall', mode: 'http5xx', times: 1 });
  standin.faults.inject({ robot: 'oncall', mode: 'errcode-1', times: 1 });
  standin.faults.inject({ robot: 'oncall', mode: 'throttle', times: 2 });
  assert.equal((await post(url, text('a'))).status, 502);
  assert.equal((await post(url, text('a'))).json.errcode, -1);
  assert.equal((await post(url, text('a'))).json.errcode, 45009);
  assert.equal((await post(url, text('a'))).json.errcode, 45009);
  assert.equal((await post(url, text('a'))).json.errcode, 0);
  standin.faults.inject({ robot: 'oncall', mode: 'delay', delayMs: 150, times: 1 });
  const started = Date.now();
  assert.equal((await post(url, text('late'))).json.errcode, 0);
  assert.ok(Date.now() - started >= 140);
  const s = standin.stats().robots['oncall'];
  assert.deepEqual([s?.faults, s?.accepted, s?.throttleAnswers], [5, 2, 2]);
});

test('the control API lists messages and stats and injects faults over HTTP', async () => {
  const url = standin.webhookFor('oncall');
  const base = new URL(url).origin;
  await post(url, text('one'));
  const msgs = (await (await fetch(`${base}/_standin/messages?robot=oncall`)).json()) as {
    messages: { content: string }[];
  };
  assert.deepEqual(
    msgs.messages.map((m) => m.content),
    ['one'],
  );
  const bad = await fetch(`${base}/_standin/faults`, { method: 'POST', body: '{"mode":"explode"}' });
  assert.equal(bad.status, 400);
  const ok = await fetch(`${base}/_standin/faults`, { method: 'POST', body: '{"mode":"http5xx","times":1}' });
  assert.equal(ok.status, 200);
  assert.equal((await post(url, text('x'))).status, 502);
  const stats = (await (await fetch(`${base}/_standin/stats`)).json()) as { ratePerMinute: number };
  assert.equal(stats.ratePerMinute, 3);
});
