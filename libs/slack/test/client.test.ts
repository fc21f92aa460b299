import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { isKhError } from '@kube-herald/errors';
import {
  checkMessage,
  createSlackClient,
  escapeMrkdwn,
  maskWebhook,
  mention,
  SlackError,
} from '@kube-herald/slack';
import type { SlackMessage } from '@kube-herald/slack';
import { createSlackStandin } from '@kube-herald/slack-standin';

const standin = createSlackStandin({
  channels: [
    { name: 'alerts', path: 'T0A1/B0A1/SeCrEt0001' },
    { name: 'old', path: 'T0A1/B0A2/SeCrEt0002', archived: true },
  ],
});
const client = createSlackClient({ timeoutMs: 500 });

before(async () => {
  await standin.start();
});
after(async () => {
  await standin.close();
});
beforeEach(() => standin.reset());

const msg = (text: string): SlackMessage => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

test('a message is sent and accepted; the outcome carries no part of the webhook', async () => {
  const out = await client.send({ webhook: standin.webhookFor('alerts'), body: msg('hello') });
  assert.deepEqual([out.verdict, out.code, out.httpStatus, out.sent], ['ok', 'ok', 200, true]);
  assert.equal(standin.messages('alerts')[0]?.text, 'hello');
  assert.ok(!JSON.stringify(out).includes('SeCrEt'));
});

test('429 from the webhook comes back as a throttle with Retry-After; 5xx as retry', async () => {
  standin.faults.inject({ mode: 'throttle', times: 1, retryAfterSeconds: 3 });
  const out = await client.send({ webhook: standin.webhookFor('alerts'), body: msg('x') });
  assert.deepEqual([out.verdict, out.retryAfterMs, out.httpStatus], ['throttle', 3000, 429]);
  standin.faults.inject({ mode: 'http5xx', times: 1 });
  const five = await client.send({ webhook: standin.webhookFor('alerts'), body: msg('x') });
  assert.deepEqual([five.verdict, five.error], ['retry', 'rollup_error']);
});

test('archived channel and unknown webhook are permanent with hints', async () => {
  const old = await client.send({ webhook: standin.webhookFor('old'), body: msg('x') });
  assert.deepEqual([old.verdict, old.code, old.httpStatus], ['permanent', 'channel_is_archived', 410]);
  const gone = standin.webhookFor('alerts').replace('SeCrEt0001', 'Revoked');
  const out = await client.send({ webhook: gone, body: msg('x') });
  assert.deepEqual([out.verdict, out.code], ['permanent', 'no_service']);
  assert.match(out.hint ?? '', /new incoming webhook/);
});

test('a message over a Slack limit is not sent', async () => {
  const long = 'x'.repeat(3001);
  const out = await client.send({ webhook: standin.webhookFor('alerts'), body: msg(long) });
  assert.deepEqual([out.verdict, out.code, out.sent], ['permanent', 'invalid_blocks', false]);
  assert.equal(
    standin.stats().channels['alerts']?.answers['400 invalid_blocks'],
    undefined,
    'nothing reached Slack',
  );
  assert.equal(checkMessage({ text: '', blocks: [] })?.error, 'no_text');
  assert.equal(
    checkMessage({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' as const })) })
      ?.error,
    'invalid_blocks',
  );
  const header = { type: 'header' as const, text: { type: 'plain_text' as const, text: 'h'.repeat(151) } };
  assert.match(checkMessage({ text: 'x', blocks: [header] })?.detail ?? '', /150/);
  assert.equal(
    checkMessage({ text: 'x', blocks: [{ ...header, text: { ...header.text, text: '标'.repeat(150) } }] }),
    undefined,
  );
});

test('timeouts and refused connections are retried; a timeout is ambiguous', async () => {
  standin.faults.inject({ mode: 'delay', delayMs: 800, times: 1 });
  const slow = await createSlackClient({ timeoutMs: 100 }).send({
    webhook: standin.webhookFor('alerts'),
    body: msg('x'),
  });
  assert.deepEqual([slow.verdict, slow.code, slow.ambiguous], ['retry', 'timeout', true]);
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const refused = await client.send({ webhook: `http://127.0.0.1:${port}/services/T/B/s`, body: msg('x') });
  assert.deepEqual(
    [refused.verdict, refused.code, refused.detail],
    ['retry', 'network_error', 'ECONNREFUSED'],
  );
});

test('caller mistakes throw a SlackError without the URL', async () => {
  await assert.rejects(
    client.send({ webhook: 'hooks.slack.com/services/T/B/SeCrEtX', body: msg('x') }),
    (err: unknown) => {
      assert.ok(err instanceof SlackError && isKhError(err));
      assert.equal(err.code, 'slack_invalid_webhook');
      assert.ok(!err.message.includes('SeCrEtX'));
      return true;
    },
  );
  assert.throws(() => createSlackClient({ timeoutMs: 0 }), SlackError);
});

test('escaping: event text cannot open a <…> sequence; mentions only from ids', () => {
  assert.equal(
    escapeMrkdwn('<!channel> & <@U123|x> <https://evil|click>'),
    '&lt;!channel&gt; &amp; &lt;@U123|x&gt; &lt;https://evil|click&gt;',
  );
  assert.equal(mention('U024BE7LH'), '<@U024BE7LH>');
  assert.equal(mention('S0614TZR7'), '<!subteam^S0614TZR7>');
  assert.throws(() => mention('<!channel>'), SlackError);
  assert.throws(() => mention('here'), SlackError);
  assert.equal(
    maskWebhook('https://hooks.slack.com/services/T000/B000/XXXX'),
    'https://hooks.slack.com/services/***',
  );
  assert.equal(maskWebhook('garbage'), '***');
});
