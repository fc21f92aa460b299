import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { createDingtalkClient, DingtalkError } from '@kube-herald/dingtalk';
import type { DingtalkMessage } from '@kube-herald/dingtalk';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import { isKhError } from '@kube-herald/errors';

const SECRET = 'SECtopsecret-signing-key';
const standin = createDingtalkStandin({
  robots: [
    { name: 'signed', token: 'tok-signed-0001', secret: SECRET },
    { name: 'keyword', token: 'tok-keyword-0002', keywords: ['K8s'] },
    { name: 'walled', token: 'tok-walled-0003', ipAllowlist: ['10.9.8.7'] },
  ],
  ratePerMinute: 3,
});
const client = createDingtalkClient({ timeoutMs: 500 });
const text = (content: string): DingtalkMessage => ({ msgtype: 'text', text: { content } });

before(async () => {
  await standin.start();
});
after(async () => {
  await standin.close();
});
beforeEach(() => standin.reset());

test('a signed message is accepted and recorded', async () => {
  const out = await client.send({
    webhook: standin.webhookFor('signed'),
    secret: SECRET,
    body: text('hello'),
  });
  assert.deepEqual(
    [out.verdict, out.code, out.errcode, out.httpStatus, out.sent],
    ['ok', 'ok', 0, 200, true],
  );
  assert.ok(out.durationMs >= 0 && out.bodyBytes > 0);
  assert.equal(standin.messages('signed').length, 1);
  const dump = JSON.stringify(out);
  assert.ok(!dump.includes('tok-signed') && !dump.includes(SECRET), 'the outcome carries no secrets');
  assert.equal(standin.messages('signed')[0]!.text, 'hello');
});

test('310000 variants come back permanent with distinct codes', async () => {
  const wrongSecret = await client.send({
    webhook: standin.webhookFor('signed'),
    secret: 'SECwrong',
    body: text('x'),
  });
  assert.deepEqual(
    [wrongSecret.verdict, wrongSecret.code, wrongSecret.errcode],
    ['permanent', 'security_sign', 310000],
  );
  const noSign = await client.send({ webhook: standin.webhookFor('signed'), body: text('x') });
  assert.equal(noSign.errcode, 310000);
  const skewed = createDingtalkClient({ timeoutMs: 500, now: () => Date.now() - 2 * 3600_000 });
  const late = await skewed.send({ webhook: standin.webhookFor('signed'), secret: SECRET, body: text('x') });
  assert.deepEqual([late.verdict, late.code], ['permanent', 'security_timestamp']);
  const kw = await client.send({ webhook: standin.webhookFor('keyword'), body: text('no word') });
  assert.deepEqual([kw.verdict, kw.code], ['permanent', 'security_keyword']);
  const ip = await client.send({ webhook: standin.webhookFor('walled'), body: text('x') });
  assert.deepEqual([ip.verdict, ip.code], ['permanent', 'security_ip']);
  assert.equal(standin.messages().length, 0);
});

test('unknown token is permanent token_invalid', async () => {
  const webhook = standin.webhookFor('keyword').replace('tok-keyword-0002', 'tok-nope');
  const out = await client.send({ webhook, body: text('K8s') });
  assert.deepEqual([out.verdict, out.code, out.errcode], ['permanent', 'token_invalid', 300001]);
});

test('past the rate the robot answers throttle', async () => {
  const webhook = standin.webhookFor('keyword');
  const verdicts: string[] = [];
  for (let i = 0; i < 5; i++) verdicts.push((await client.send({ webhook, body: text(`K8s ${i}`) })).verdict);
  assert.deepEqual(verdicts, ['ok', 'ok', 'ok', 'throttle', 'throttle']);
});

test('5xx and errcode -1 are retry', async () => {
  standin.faults.inject({ mode: 'http5xx', times: 1 });
  standin.faults.inject({ mode: 'errcode-1', times: 1 });
  const webhook = standin.webhookFor('keyword');
  const a = await client.send({ webhook, body: text('K8s') });
  assert.deepEqual([a.verdict, a.code, a.httpStatus], ['retry', 'http_5xx', 502]);
  const b = await client.send({ webhook, body: text('K8s') });
  assert.deepEqual([b.verdict, b.code, b.errcode], ['retry', 'system_busy', -1]);
  const c = await client.send({ webhook, body: text('K8s') });
  assert.equal(c.verdict, 'ok');
});

test('a delay past the deadline is a timeout, a reset is a network error', async () => {
  standin.faults.inject({ mode: 'delay', delayMs: 1500, times: 1 });
  const started = Date.now();
  const slow = await client.send({ webhook: standin.webhookFor('keyword'), body: text('K8s') });
  assert.deepEqual([slow.verdict, slow.code], ['retry', 'timeout']);
  assert.ok(Date.now() - started < 1400, 'the client gave up at its deadline');
  standin.faults.inject({ mode: 'reset', times: 1 });
  const reset = await client.send({ webhook: standin.webhookFor('keyword'), body: text('K8s') });
  assert.deepEqual([reset.verdict, reset.code], ['retry', 'network_error']);
  assert.match(reset.detail!, /^E[A-Z]+|UND_ERR/);
});

test('connection refused is a network error', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const out = await client.send({
    webhook: `http://127.0.0.1:${port}/robot/send?access_token=t`,
    body: text('x'),
  });
  assert.deepEqual([out.verdict, out.code, out.detail], ['retry', 'network_error', 'ECONNREFUSED']);
});

test('an oversized body is not sent', async () => {
  const out = await client.send({
    webhook: standin.webhookFor('keyword'),
    body: text(`K8s ${'长'.repeat(7000)}`),
  });
  assert.deepEqual([out.verdict, out.code, out.sent], ['permanent', 'body_too_long', false]);
  assert.equal(standin.stats().robots['keyword']!.answers['460101'], undefined);
});

test('thrown errors carry a code and never the webhook, token or secret', async () => {
  const webhook = 'not-a-url?access_token=tok-leak-me';
  for (const secret of [undefined, 'SEC-leak-me']) {
    await assert.rejects(
      client.send({ webhook, ...(secret === undefined ? {} : { secret }), body: text('x') }),
      (err: unknown) => {
        assert.ok(err instanceof DingtalkError);
        assert.equal(err.code, 'dingtalk_invalid_webhook');
        assert.ok(isKhError(err, 'dingtalk_invalid_webhook') && err.verdict === 'permanent');
        const dump = `${err.message} ${err.stack ?? ''} ${JSON.stringify(err)}`;
        assert.ok(!dump.includes('leak-me'), dump);
        return true;
      },
    );
  }
  const circular: Record<string, unknown> = { msgtype: 'text' };
  circular['self'] = circular;
  await assert.rejects(
    client.send({ webhook: standin.webhookFor('keyword'), body: circular as unknown as DingtalkMessage }),
    (err: unknown) => err instanceof DingtalkError && err.code === 'dingtalk_invalid_body',
  );
  assert.throws(() => createDingtalkClient({ timeoutMs: 0 }), { code: 'dingtalk_invalid_options' });
});
