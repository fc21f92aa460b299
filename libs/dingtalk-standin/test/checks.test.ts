import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import { manualClock, post, signed, text } from './helpers.js';

const SECRET = 'SECstandin-secret';
const clock = manualClock();
const standin = createDingtalkStandin({
  robots: [
    { name: 'open', token: 'tok-open' },
    { name: 'signed', token: 'tok-signed', secret: SECRET },
    { name: 'kw', token: 'tok-kw', keywords: ['K8s', '告警'] },
    { name: 'walled', token: 'tok-walled', ipAllowlist: ['10.0.0.1'] },
    { name: 'local', token: 'tok-local', ipAllowlist: ['127.0.0.1'] },
  ],
  clock: clock.now,
});
let base = '';

before(async () => {
  base = (await standin.start()).url;
});
after(() => standin.close());
beforeEach(() => standin.reset());

test('token checks: missing → 40035, unknown → 300001, GET → 43002; all HTTP 200', async () => {
  assert.deepEqual(await post(`${base}/robot/send`, text('x')), {
    status: 200,
    json: { errcode: 40035, errmsg: '缺少参数 access_token' },
  });
  assert.deepEqual(await post(`${base}/robot/send?access_token=`, text('x')), {
    status: 200,
    json: { errcode: 40035, errmsg: '缺少参数 access_token' },
  });
  assert.deepEqual(await post(`${base}/robot/send?access_token=nope`, text('x')), {
    status: 200,
    json: { errcode: 300001, errmsg: 'token is not exist' },
  });
  const get = await post(standin.webhookFor('open'), undefined, 'GET');
  assert.deepEqual(get, { status: 200, json: { errcode: 43002, errmsg: '需要POST请求' } });
  assert.equal(standin.messages().length, 0);
  assert.equal(standin.answers['open']!['43002'], 1);
});

test('a plain message is accepted and recorded with its parts', async () => {
  const body = {
    msgtype: 'markdown',
    markdown: { title: '[prod] BackOff', text: '#### hi\n@13800000001' },
    at: { atMobiles: ['13800000001'], isAtAll: false },
  };
  assert.deepEqual((await post(standin.webhookFor('open'), body)).json, { errcode: 0, errmsg: 'ok' });
  const [m] = standin.messages('open');
  assert.equal(m!.robot, 'open');
  assert.equal(m!.msgtype, 'markdown');
  assert.equal(m!.title, '[prod] BackOff');
  assert.equal(m!.text, '#### hi\n@13800000001');
  assert.deepEqual(m!.at, { atMobiles: ['13800000001'], atUserIds: [], isAtAll: false });
  assert.equal(m!.time, clock.now());
  assert.deepEqual(m!.body, body);
});

test('signature: valid inside the 1-hour window, 310000 outside or when wrong', async () => {
  const hook = standin.webhookFor('signed');
  const now = clock.now();
  const ok = async (ts: number) => (await post(signed(hook, SECRET, ts), text('x'))).json;
  assert.equal((await ok(now)).errcode, 0);
  assert.equal((await ok(now - 3_599_000)).errcode, 0);
  assert.equal((await ok(now + 3_599_000)).errcode, 0);
  assert.deepEqual(await ok(now - 3_601_000), { errcode: 310000, errmsg: 'invalid timestamp' });
  assert.deepEqual(await ok(now + 3_601_000), { errcode: 310000, errmsg: 'invalid timestamp' });
  const wrong = (await post(signed(hook, 'SECother', now), text('x'))).json;
  assert.deepEqual(wrong, { errcode: 310000, errmsg: 'sign not match' });
  assert.equal((await post(hook, text('x'))).json.errcode, 310000);
  // A sign sent without URL-encoding loses its '+' (read as a space) and must not match.
  let ts = now;
  while (!decodeURIComponent(signed(hook, SECRET, ts)).includes('+')) ts += 1;
  const unencoded = decodeURIComponent(signed(hook, SECRET, ts));
  assert.equal((await post(unencoded, text('x'))).json.errmsg, 'sign not match');
  assert.equal(standin.messages('signed').length, 3);
});

test('keywords must appear in text content, markdown title or text', async () => {
  const hook = standin.webhookFor('kw');
  const md = (title: string, t: string) => ({ msgtype: 'markdown', markdown: { title, text: t } });
  assert.equal((await post(hook, text('pod K8s down'))).json.errcode, 0);
  assert.equal((await post(hook, md('K8s', 'body'))).json.errcode, 0);
  assert.equal((await post(hook, md('t', '#### 【告警】x'))).json.errcode, 0);
  assert.deepEqual((await post(hook, text('nothing here'))).json, {
    errcode: 310000,
    errmsg: 'keywords not in content',
  });
  assert.equal((await post(hook, md('k8s', 'lower case does not count'))).json.errcode, 310000);
  assert.equal(standin.messages('kw').length, 3);
});

test('IP allowlist: 310000 with the sender address unless allowed', async () => {
  assert.deepEqual((await post(standin.webhookFor('walled'), text('x'))).json, {
    errcode: 310000,
    errmsg: 'ip 127.0.0.1 not in whitelist',
  });
  assert.equal((await post(standin.webhookFor('local'), text('x'))).json.errcode, 0);
});

test('body limit: 20000 bytes pass, 20001 → 460101 (UTF-8 bytes counted)', async () => {
  const hook = standin.webhookFor('open');
  const empty = JSON.stringify(text('')).length;
  const exact = JSON.stringify(text('a'.repeat(20_000 - empty)));
  assert.equal(Buffer.byteLength(exact), 20_000);
  assert.equal((await post(hook, exact)).json.errcode, 0);
  const over = JSON.stringify(text(`${'a'.repeat(20_000 - empty - 2)}长`));
  assert.equal(over.length, 19_999);
  assert.equal(Buffer.byteLength(over), 20_001);
  assert.deepEqual((await post(hook, over)).json, {
    errcode: 460101,
    errmsg: 'message too long, exceed 20000 bytes',
  });
  assert.equal((await post(hook, 'x'.repeat(300_000))).json.errcode, 460101);
});

test('bad JSON → 40035, unknown msgtype → 400105, missing fields → 400402', async () => {
  const hook = standin.webhookFor('open');
  assert.deepEqual((await post(hook, '{not json')).json, { errcode: 40035, errmsg: '缺少参数 json' });
  assert.equal((await post(hook, '[1,2]')).json.errcode, 40035);
  assert.equal((await post(hook, { msgtype: 'image', image: {} })).json.errcode, 400105);
  assert.equal((await post(hook, { text: { content: 'x' } })).json.errcode, 400105);
  assert.equal(
    (await post(hook, { msgtype: 'markdown', markdown: { text: 'no title' } })).json.errcode,
    400402,
  );
  assert.equal((await post(hook, { msgtype: 'text', text: {} })).json.errcode, 400402);
  const okTypes = [
    { msgtype: 'link', link: { title: 'l', text: 't', messageUrl: 'https://x' } },
    {
      msgtype: 'actionCard',
      actionCard: { title: 'a', text: 't', singleTitle: 's', singleURL: 'https://x' },
    },
    { msgtype: 'feedCard', feedCard: { links: [{ title: 'f1', messageURL: 'https://x' }] } },
  ];
  for (const b of okTypes) assert.equal((await post(hook, b)).json.errcode, 0, b.msgtype);
  assert.deepEqual(
    standin.messages('open').map((m) => [m.msgtype, m.text]),
    [
      ['link', 't'],
      ['actionCard', 't'],
      ['feedCard', 'f1'],
    ],
  );
  assert.deepEqual(standin.answers['open'], { '0': 3, '40035': 2, '400105': 2, '400402': 2 });
});

test('webhookFor throws coded errors', () => {
  assert.throws(() => standin.webhookFor('ghost'), { code: 'standin_unknown_robot' });
  const idle = createDingtalkStandin({ robots: [{ name: 'a', token: 't' }] });
  assert.throws(() => idle.webhookFor('a'), { code: 'standin_not_started' });
  assert.throws(
    () =>
      createDingtalkStandin({
        robots: [
          { name: 'a', token: 't' },
          { name: 'a', token: 'u' },
        ],
      }),
    { code: 'standin_invalid_robots' },
  );
  const eleven = Array.from({ length: 11 }, (_, i) => `k${i}`);
  assert.throws(() => createDingtalkStandin({ robots: [{ name: 'a', token: 't', keywords: eleven }] }), {
    code: 'standin_invalid_robots',
  });
  assert.throws(() => createDingtalkStandin({ robots: [], ratePerMinute: 0 }), {
    code: 'standin_invalid_options',
  });
  assert.throws(() => standin.faults.inject({ robot: 'ghost', mode: 'reset' }), {
    code: 'standin_unknown_robot',
  });
});
