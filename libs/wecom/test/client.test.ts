import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createWecomClient, markdownMessage, textMessage } from '@kube-herald/wecom';
import type { WecomMessage } from '@kube-herald/wecom';
import { createWecomStandin } from '@kube-herald/wecom-standin';
import { isKhError } from '@kube-herald/errors';

const KEY = 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e';
const standin = createWecomStandin({ robots: [{ name: 'ops', key: KEY }], ratePerMinute: 2 });
const client = createWecomClient({ timeoutMs: 400 });

before(async () => {
  await standin.start();
});
after(async () => {
  await standin.close();
});
beforeEach(() => standin.reset());

test('a text message with mentions is accepted; the outcome carries no key', async () => {
  const out = await client.send({
    webhook: standin.webhookFor('ops'),
    body: textMessage({ content: 'hello', mentionedList: ['zhangsan'] }),
  });
  assert.deepEqual(
    [out.verdict, out.code, out.errcode, out.httpStatus, out.sent],
    ['ok', 'ok', 0, 200, true],
  );
  assert.ok(!JSON.stringify(out).includes(KEY));
  assert.deepEqual(standin.messages('ops')[0]?.mentionedList, ['zhangsan']);
});

test('the rate answer is throttle, a wrong key is permanent webhook_invalid, 5xx/-1/timeouts retry', async () => {
  const webhook = standin.webhookFor('ops');
  const md = markdownMessage({ content: '**x**' });
  await client.send({ webhook, body: md });
  await client.send({ webhook, body: md });
  const third = await client.send({ webhook, body: md });
  assert.deepEqual([third.verdict, third.errcode], ['throttle', 45009]);
  const wrong = await client.send({ webhook: webhook.replace(KEY, 'nope'), body: md });
  assert.deepEqual([wrong.verdict, wrong.code, wrong.errcode], ['permanent', 'webhook_invalid', 93000]);
  standin.reset();
  standin.faults.inject({ mode: 'http5xx', times: 1 });
  standin.faults.inject({ mode: 'errcode-1', times: 1 });
  standin.faults.inject({ mode: 'delay', delayMs: 1000, times: 1 });
  assert.equal((await client.send({ webhook, body: md })).code, 'http_5xx');
  assert.equal((await client.send({ webhook, body: md })).code, 'system_busy');
  const late = await client.send({ webhook, body: md });
  assert.deepEqual([late.verdict, late.code, late.ambiguous], ['retry', 'timeout', true]);
});

test('content over its byte limit is not sent; a webhook without key= is a caller mistake', async () => {
  const tooBig = { msgtype: 'text', text: { content: '字'.repeat(683) } } as WecomMessage; // 2,049 bytes
  const out = await client.send({ webhook: standin.webhookFor('ops'), body: tooBig });
  assert.deepEqual([out.verdict, out.code, out.sent], ['permanent', 'body_too_long', false]);
  assert.equal(standin.stats().robots['ops']?.answers['0'], undefined, 'nothing reached the robot');
  await assert.rejects(
    client.send({
      webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send',
      body: textMessage({ content: 'x' }),
    }),
    (e: unknown) => isKhError(e, 'wecom_invalid_webhook'),
  );
  await assert.rejects(
    client.send({ webhook: `not a url ${KEY}`, body: textMessage({ content: 'x' }) }),
    (e: unknown) => isKhError(e, 'wecom_invalid_webhook') && !(e as Error).message.includes(KEY),
  );
});
