import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createFeishuStandin, type FeishuStandin } from '@kube-herald/feishu-standin';
import { createSlackStandin, type SlackStandin } from '@kube-herald/slack-standin';
import { createWecomStandin, type WecomStandin } from '@kube-herald/wecom-standin';
import { createRateGate, robotKeyOf } from '@kube-herald/notifier';
import { redisUrl, uniqueName } from '@kube-herald/testing';
import { cli, tempDir } from './cli-harness.js';

// test-send for every receiver type but DingTalk (cli-commands.test.ts): the platform's own answer, its
// hint ("why") and the type's own fix, against the stand-ins; the gate slot includes the per-second budget.
const prefix = uniqueName('khsend');
const tmp = tempDir();
let wecom: WecomStandin;
let feishu: FeishuStandin;
let slack: SlackStandin;
let hook: Server;
const hooked: string[] = [];
let configFile: string;

function startHook(): Promise<string> {
  hook = createServer((req, res) => {
    const ok = req.headers.authorization === 'Bearer right-token';
    req.resume().on('end', () => {
      if (ok) hooked.push(req.url ?? '');
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  return new Promise((resolve) =>
    hook.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/in`)),
  );
}

before(async () => {
  wecom = createWecomStandin({ robots: [{ name: 'wc', key: 'good-key' }] });
  feishu = createFeishuStandin({
    bots: [
      { name: 'fs', token: 'fs-token', secret: 'right-secret' },
      { name: 'fk', token: 'fk-token', keywords: ['MUST-HAVE'] },
    ],
  });
  slack = createSlackStandin({
    channels: [
      { name: 'ops', path: 'T01/B01/goodsecret' },
      { name: 'old', path: 'T01/B02/oldsecret', archived: true },
    ],
  });
  await Promise.all([wecom.start(0, '127.0.0.1'), feishu.start(0, '127.0.0.1'), slack.start(0, '127.0.0.1')]);
  const hookUrl = await startHook();
  const base = { insecureHttp: true, timeoutMs: 3000 };
  configFile = tmp.file('notifier.yaml', {
    kafka: { brokers: '127.0.0.1:9092' },
    redis: { url: redisUrl(), prefix },
    receivers: [
      { name: 'wc-ok', type: 'wecom', webhook: wecom.webhookFor('wc'), ...base },
      {
        name: 'wc-bad',
        type: 'wecom',
        webhook: wecom.webhookFor('wc').replace('good-key', 'bad-key'),
        ...base,
      },
      { name: 'fs-ok', type: 'feishu', webhook: feishu.webhookFor('fs'), secret: 'right-secret', ...base },
      { name: 'fs-bad', type: 'feishu', webhook: feishu.webhookFor('fs'), secret: 'wrong-secret', ...base },
      { name: 'fk-bad', type: 'feishu', webhook: feishu.webhookFor('fk'), ...base },
      { name: 'sl-ok', type: 'slack', webhook: slack.webhookFor('ops'), ...base },
      {
        name: 'sl-bad',
        type: 'slack',
        webhook: slack.webhookFor('ops').replace('goodsecret', 'badsecret'),
        ...base,
      },
      { name: 'sl-old', type: 'slack', webhook: slack.webhookFor('old'), ...base },
      { name: 'wh-ok', type: 'webhook', webhook: hookUrl, secret: 'right-token', ...base },
      { name: 'wh-bad', type: 'webhook', webhook: hookUrl, secret: 'wrong-token', ...base },
    ],
    route: { receiver: 'wc-ok' },
  });
});

after(async () => {
  await Promise.all([wecom.close(), feishu.close(), slack.close()]);
  await new Promise((resolve) => hook.close(resolve));
  tmp.dispose();
  const redis = new Redis(redisUrl());
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const send = (receiver: string): ReturnType<typeof cli> =>
  cli(['test-send', '--receiver', receiver, '--config', configFile]);

/** A refused test: exit 3, the platform's answer, its hint, and the fix worded for the type. */
async function refused(receiver: string, answer: RegExp, why: RegExp, fix: RegExp): Promise<void> {
  const r = await send(receiver);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stdout, answer, receiver);
  assert.match(r.stdout, new RegExp(`\\n {2}why: {5}${why.source}`), receiver);
  assert.match(r.stdout, new RegExp(`\\n {2}fix: {5}${fix.source}`), receiver);
  assert.doesNotMatch(r.stdout, /加签|SEC…|access_token/, `${receiver}: no DingTalk advice`);
}

test('wecom: a good key delivers; a wrong one is 93000 with the key to fix', async () => {
  const ok = await send('wc-ok');
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /receiver wc-ok: delivered\n {2}errcode: 0/);
  assert.match(wecom.messages('wc')[0]?.content ?? '', /kube-herald test-send/);
  await refused(
    'wc-bad',
    /not delivered \(permanent, webhook_invalid\)\n {2}errcode: 93000\n {2}errmsg: {2}invalid webhook url\n/,
    /invalid webhook: the robot key is wrong/,
    /the key= of receivers\[wc-bad\]\.webhook is wrong.*群机器人/,
  );
  assert.equal(wecom.messages('wc').length, 1);
});

test('feishu: a good secret delivers; a wrong one is 19021, a missing keyword 19024, each with its fix', async () => {
  const ok = await send('fs-ok');
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /receiver fs-ok: delivered\n {2}errcode: 0/);
  assert.equal(feishu.messages('fs').length, 1);
  await refused(
    'fs-bad',
    /errcode: 19021\n {2}errmsg: {2}sign match fail/,
    /sign match fail or timestamp not within one hour/,
    /receivers\[fs-bad\]\.secret\/secretFile must be the bot's 签名校验 secret.*clock right \(NTP/,
  );
  await refused(
    'fk-bad',
    /errcode: 19024/,
    /a configured keyword must appear/,
    /add one of the bot's custom keywords \(自定义关键词\) to receivers\[fk-bad\]\.keywords/,
  );
  assert.equal(feishu.messages('fs').length + feishu.messages('fk').length, 1);
});

test('slack: a good webhook delivers; a wrong one is no_service, an archived channel channel_is_archived', async () => {
  const ok = await send('sl-ok');
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match((slack.messages('ops')[0]?.blockTexts ?? []).join('\n'), /kube-herald test-send/);
  await refused(
    'sl-bad',
    /not delivered \(permanent, no_service\)\n {2}errcode: 404\n {2}errmsg: {2}no_service/,
    /the webhook is disabled, removed or invalid/,
    /the webhook is disabled, removed or mistyped: create a new incoming webhook .*receivers\[sl-bad\]\.webhook/,
  );
  await refused(
    'sl-old',
    /errmsg: {2}channel_is_archived/,
    /the channel is archived/,
    /unarchive the channel, or create a new incoming webhook/,
  );
});

test('webhook: the Bearer secret decides; a 401 names it', async () => {
  const ok = await send('wh-ok');
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.deepEqual(hooked, ['/in']);
  await refused(
    'wh-bad',
    /not delivered \(permanent, http_status\)/,
    /HTTP 401/,
    /the endpoint refused the credentials: receivers\[wh-bad\]\.secret\/secretFile is sent as "Authorization: Bearer/,
  );
  assert.equal(hooked.length, 1);
});

test("test-send takes the robot's per-second slot too: a Slack webhook used this second waits for the next", async () => {
  const redis = new Redis(redisUrl());
  try {
    const robot = robotKeyOf(slack.webhookFor('ops'));
    const gate = createRateGate({ redis, prefix: `${prefix}:n` });
    // the fleet took this second's only slot (Slack: 1/s); the minute has room
    for (let i = 0; ; i++) {
      const slot = await gate.acquire(robot, 50, `fleet-${i}`, { perSecond: 1 });
      if (slot.granted) break;
      await sleep(slot.waitMs);
    }
    const sent = slack.messages('ops').length;
    const busy = await cli(['test-send', '--receiver', 'sl-ok', '--config', configFile, '--wait', '0']);
    assert.equal(busy.code, 3, busy.stdout);
    assert.match(busy.stdout, /not sent — the robot's rate gate has no free slot/);
    assert.equal(slack.messages('ops').length, sent, 'nothing sent');
    const waited = await send('sl-ok'); // --wait 60: the next second
    assert.equal(waited.code, 0, waited.stdout);
    assert.equal(slack.messages('ops').length, sent + 1);
  } finally {
    await redis.quit();
  }
});
