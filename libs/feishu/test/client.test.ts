import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createFeishuStandin } from '@kube-herald/feishu-standin';
import {
  FeishuError,
  MAX_BODY_BYTES,
  cardMessage,
  computeSign,
  createFeishuClient,
  escapeLarkMd,
  maskUrl,
  neutralizeText,
  postMessage,
  textMessage,
} from '../src/index.js';

test("signature: HMAC-SHA256 keyed by `timestamp\\nsecret` over an empty message (not DingTalk's)", () => {
  const ts = 1599360473;
  const expected = createHmac('sha256', Buffer.from(`${ts}\nSECabc`, 'utf8')).digest('base64');
  assert.equal(computeSign('SECabc', ts), expected);
  const dingtalkStyle = createHmac('sha256', 'SECabc').update(`${ts}\nSECabc`).digest('base64');
  assert.notEqual(computeSign('SECabc', ts), dingtalkStyle);
});

test('maskUrl hides the hook token; escaping stops <at> tags and [x](url) links', () => {
  assert.equal(
    maskUrl('https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c-secret-tok?x=1'),
    'https://open.feishu.cn/open-apis/bot/v2/hook/***?x=1',
  );
  const hostile = '<at user_id="all">所有人</at> [click](https://evil.example) <at id=all></at>';
  const t = neutralizeText(hostile);
  assert.doesNotMatch(t, /<at/);
  assert.doesNotMatch(t, /\]\(/);
  const md = escapeLarkMd(hostile);
  assert.doesNotMatch(md, /<at/);
  assert.doesNotMatch(md, /[^\\]\]\(/);
});

test('client against the stand-in: signed text, post and card accepted; wrong secret is 19021 once, permanent', async () => {
  const standin = createFeishuStandin({
    bots: [
      { name: 'ops', token: 'tok-ops', secret: 'SEC-ops', keywords: ['K8s'] },
      { name: 'open', token: 'tok-open' },
    ],
  });
  await standin.start();
  try {
    const client = createFeishuClient({ timeoutMs: 3000 });
    const webhook = standin.webhookFor('ops');
    const bodies = [
      textMessage('K8s hello', { userIds: ['ou_1'], atAll: true }),
      postMessage('K8s title', [[{ tag: 'text', text: 'line' }]], { userIds: ['ou_2'] }),
      cardMessage('K8s card', '**bold**', { template: 'red', mentions: { atAll: true } }),
    ];
    for (const body of bodies) {
      const out = await client.send({ webhook, secret: 'SEC-ops', body });
      assert.deepEqual([out.verdict, out.code, out.errcode, out.sent], ['ok', 'ok', 0, true]);
    }
    const msgs = standin.messages('ops');
    assert.deepEqual(
      msgs.map((m) => [m.msgType, m.mentions]),
      [
        ['text', ['all', 'ou_1']],
        ['post', ['ou_2']],
        ['interactive', ['all']],
      ],
    );
    const wrong = await client.send({ webhook, secret: 'SEC-other', body: textMessage('K8s x') });
    assert.deepEqual([wrong.verdict, wrong.code, wrong.errcode], ['permanent', 'security_sign', 19021]);
    const unsigned = await client.send({ webhook, body: textMessage('K8s x') });
    assert.equal(unsigned.errcode, 19021, 'a signing bot refuses an unsigned body');
    const noKeyword = await client.send({ webhook, secret: 'SEC-ops', body: textMessage('hello') });
    assert.equal(noKeyword.code, 'security_keyword');
    const gone = await client.send({ webhook: `${webhook}x`, body: textMessage('K8s') });
    assert.equal(gone.code, 'token_invalid');
    assert.equal(standin.messages().length, 3);
  } finally {
    await standin.close();
  }
});

test('size limit in UTF-8 bytes of the signed JSON: over it nothing is sent; faults classify', async () => {
  const standin = createFeishuStandin({ bots: [{ name: 'b', token: 'tok-b' }] });
  await standin.start();
  try {
    const client = createFeishuClient({ timeoutMs: 500 });
    const webhook = standin.webhookFor('b');
    const big = textMessage('飞'.repeat(Math.ceil(MAX_BODY_BYTES / 3))); // 3 bytes each: over in bytes, not chars
    const out = await client.send({ webhook, body: big });
    assert.deepEqual([out.verdict, out.code, out.sent], ['permanent', 'body_too_long', false]);
    assert.ok(
      out.bodyBytes > MAX_BODY_BYTES && '飞'.repeat(Math.ceil(MAX_BODY_BYTES / 3)).length < MAX_BODY_BYTES,
    );
    // the stand-in enforces it too, for clients that do not
    const raw = await fetch(webhook, { method: 'POST', body: JSON.stringify(big) });
    assert.equal(((await raw.json()) as { code: number }).code, 19036);
    standin.faults.inject({ bot: 'b', mode: 'http5xx', times: 1 });
    standin.faults.inject({ bot: 'b', mode: 'throttle', times: 1 });
    standin.faults.inject({ bot: 'b', mode: 'delay', times: 1, delayMs: 1500 });
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push((await client.send({ webhook, body: textMessage('x') })).code);
    assert.deepEqual(verdicts, ['http_5xx', 'throttled', 'timeout', 'ok']);
    await assert.rejects(
      client.send({ webhook: 'not a url/hook/tok', body: textMessage('x') }),
      (err: unknown) => {
        assert.ok(err instanceof FeishuError);
        assert.equal(err.code, 'feishu_invalid_webhook');
        assert.doesNotMatch(err.message, /tok/);
        return true;
      },
    );
  } finally {
    await standin.close();
  }
});

test('an answer quoting the refused token or the secret is masked before it is kept', async () => {
  const webhook = 'https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-tok-secret';
  const fakeFetch = (() =>
    Promise.resolve(
      new Response(
        JSON.stringify({
          code: 19001,
          msg: 'param invalid: incoming webhook access token invalid 0a1b2c3d-tok-secret',
        }),
        { status: 200 },
      ),
    )) as typeof globalThis.fetch;
  const client = createFeishuClient({ timeoutMs: 1000, fetch: fakeFetch });
  const out = await client.send({ webhook, secret: 'SEC-very-secret', body: textMessage('x') });
  assert.equal(out.code, 'token_invalid');
  assert.match(out.errmsg ?? '', /access token invalid \*\*\*/);
  assert.doesNotMatch(JSON.stringify(out), /0a1b2c3d-tok-secret|SEC-very-secret/);
});
