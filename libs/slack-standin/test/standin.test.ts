import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createSlackStandin, SlackStandinError } from '@kube-herald/slack-standin';
import { FAULT_LIMIT, sendToStandin, useStandinInTests } from '@kube-herald/standin-kit';

let t = 1_700_000_000_000;
const standin = createSlackStandin({
  channels: [
    { name: 'alerts', path: 'T0001/B0001/secretAlerts' },
    { name: 'old', path: 'T0001/B0002/secretOld', archived: true },
    { name: 'locked', path: 'T0001/B0003/secretLocked', prohibited: true },
  ],
  clock: () => t,
});

async function post(url: string, body: unknown, method = 'POST') {
  const res = await sendToStandin(url, body, method, 'application/json');
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') };
}

useStandinInTests({ before, after, beforeEach }, standin, () => (t += 60_000));

test('a valid message is answered 200 ok (a text body) and recorded with its mentions and links', async () => {
  const body = {
    text: 'fallback <@U024BE7LH>',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Title' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'see <https://x.example|x> &lt;!channel&gt;' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'ctx' }] },
      { type: 'divider' },
    ],
  };
  assert.deepEqual(await post(standin.webhookFor('alerts'), body), {
    status: 200,
    body: 'ok',
    retryAfter: null,
  });
  const [m] = standin.messages('alerts');
  assert.equal(m?.text, 'fallback <@U024BE7LH>');
  assert.deepEqual(m?.blockTexts, ['Title', 'see <https://x.example|x> &lt;!channel&gt;', 'ctx']);
  assert.deepEqual(m?.mentions, ['<@U024BE7LH>'], 'an escaped <!channel> is no mention');
  assert.deepEqual(m?.links, ['<https://x.example|x>']);
});

test('checks run in the real order: webhook, channel state, JSON, text or blocks, block limits', async () => {
  const base = standin.webhookFor('alerts').replace(/\/services\/.*$/, '');
  assert.equal((await post(`${base}/services/T0001/B0001/wrong`, { text: 'x' })).body, 'no_service');
  assert.equal((await post(`${base}/services/T0001/B0001/wrong`, 'not json')).status, 404, 'webhook first');
  assert.deepEqual((await post(standin.webhookFor('old'), 'not json')).body, 'channel_is_archived');
  assert.equal((await post(standin.webhookFor('old'), { text: 'x' })).status, 410);
  const locked = await post(standin.webhookFor('locked'), { text: 'x' });
  assert.deepEqual([locked.status, locked.body], [403, 'action_prohibited']);
  const url = standin.webhookFor('alerts');
  assert.deepEqual(await post(url, 'not json'), { status: 400, body: 'invalid_payload', retryAfter: null });
  assert.equal((await post(url, [1, 2])).body, 'invalid_payload');
  assert.equal((await post(url, { text: '' })).body, 'no_text');
  assert.equal((await post(url, { text: 'x', blocks: 'nope' })).body, 'invalid_blocks');
  const header = (n: number) => ({ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(n) } });
  const section = (n: number) => ({ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(n) } });
  assert.equal((await post(url, { text: 'x', blocks: [header(151)] })).body, 'invalid_blocks');
  assert.equal((await post(url, { text: 'x', blocks: [section(3001)] })).body, 'invalid_blocks');
  const mrkdwnHeader = { type: 'header', text: { type: 'mrkdwn', text: 'h' } };
  assert.equal((await post(url, { text: 'x', blocks: [mrkdwnHeader] })).body, 'invalid_blocks');
  const ctx = {
    type: 'context',
    elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })),
  };
  assert.equal((await post(url, { text: 'x', blocks: [ctx] })).body, 'invalid_blocks');
  const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
  assert.equal((await post(url, { text: 'x', blocks: many })).body, 'invalid_blocks');
  assert.equal(
    (await post(url, { text: 'x', attachments: Array.from({ length: 101 }, () => ({})) })).body,
    'too_many_attachments',
  );
  assert.equal((await post(url, {}, 'GET')).status, 405);
  assert.equal(standin.messages().length, 0, 'nothing refused was recorded');
  // exactly at the limits is accepted
  assert.equal((await post(url, { text: 'x', blocks: [header(150), section(3000)] })).body, 'ok');
  assert.equal(standin.stats().unmatched['404 no_service'], 2);
});

test('rate: a burst of 3, then 429 with Retry-After until a token refills at 1/s', async () => {
  const url = standin.webhookFor('alerts');
  for (let i = 0; i < 3; i++) assert.equal((await post(url, { text: `m${i}` })).body, 'ok');
  const limited = await post(url, { text: 'too fast' });
  assert.deepEqual(limited, { status: 429, body: 'rate_limited', retryAfter: '1' });
  t += 999;
  assert.equal((await post(url, { text: 'still' })).status, 429);
  t += 2;
  assert.equal((await post(url, { text: 'refilled' })).body, 'ok');
  assert.equal((await post(url, { text: 'again' })).status, 429);
  const s = standin.stats().channels['alerts']!;
  assert.deepEqual([s.accepted, s.rateLimited, s.maxPerSecond], [4, 3, 3]);
  assert.equal(s.answers['429 rate_limited'], 3);
  assert.ok(standin.messages('alerts').every((m) => !/too fast|still|again/.test(m.text)));
});

test('faults: 500 rollup_error, 429 with its Retry-After, a reset, each used up after `times`', async () => {
  const url = standin.webhookFor('alerts');
  standin.faults.inject({ channel: 'alerts', mode: 'http5xx', times: 1 });
  assert.deepEqual(await post(url, { text: 'a' }), { status: 500, body: 'rollup_error', retryAfter: null });
  standin.faults.inject({ mode: 'throttle', times: 2, retryAfterSeconds: 7 });
  assert.deepEqual(await post(url, { text: 'b' }), { status: 429, body: 'rate_limited', retryAfter: '7' });
  assert.equal((await post(url, { text: 'c' })).status, 429);
  standin.faults.inject({ channel: 'alerts', mode: 'reset', times: 1 });
  await assert.rejects(post(url, { text: 'd' }));
  assert.equal((await post(url, { text: 'e' })).body, 'ok');
  const s = standin.stats().channels['alerts']!;
  assert.deepEqual([s.faults, s.accepted, s.rateLimited], [4, 1, 2]);
  assert.throws(() => standin.faults.inject({ channel: 'nope', mode: 'reset' }), SlackStandinError);
});

test('a delay fault holds the answer, then the message is handled normally', async () => {
  const url = standin.webhookFor('alerts');
  standin.faults.inject({ mode: 'delay', delayMs: 300, times: 1 });
  const started = Date.now();
  assert.equal((await post(url, { text: 'late' })).body, 'ok');
  assert.ok(Date.now() - started >= 290);
  assert.equal(standin.messages('alerts').length, 1);
});

test('control API: channels, messages after an id, stats, faults, reset', async () => {
  const url = standin.webhookFor('alerts');
  const base = url.replace(/\/services\/.*$/, '');
  await post(url, { text: 'one' });
  await post(url, { text: 'two' });
  const channels = (await (await fetch(`${base}/_standin/channels`)).json()) as {
    channels: { webhook: string }[];
  };
  assert.equal(channels.channels[0]?.webhook, url);
  const first = standin.messages('alerts')[0]!.id;
  const after = (await (await fetch(`${base}/_standin/messages?channel=alerts&after=${first}`)).json()) as {
    messages: { text: string }[];
  };
  assert.deepEqual(
    after.messages.map((m) => m.text),
    ['two'],
  );
  const bad = await fetch(`${base}/_standin/faults`, { method: 'POST', body: '{"mode":"nope"}' });
  assert.equal(bad.status, 400);
  const ok = await fetch(`${base}/_standin/faults`, { method: 'POST', body: '{"mode":"http5xx","times":1}' });
  assert.equal(ok.status, 200);
  assert.equal((await post(url, { text: 'x' })).status, 500);
  assert.equal((await fetch(`${base}/_standin/reset`, { method: 'POST' })).status, 200);
  assert.equal(standin.messages().length, 0);
  const stats = (await (await fetch(`${base}/_standin/stats`)).json()) as {
    ratePerSecond: number;
    burst: number;
  };
  assert.deepEqual([stats.ratePerSecond, stats.burst], [1, 3]);
});

test('control API: a full fault set answers 409 until DELETE clears it', async () => {
  const base = standin.webhookFor('alerts').replace(/\/services\/.*$/, '');
  for (let i = 0; i < FAULT_LIMIT; i++) standin.faults.inject({ mode: 'http5xx', probability: 0 });
  const inject = (): Promise<Response> =>
    fetch(`${base}/_standin/faults`, { method: 'POST', body: '{"mode":"http5xx","times":1}' });
  const full = await inject();
  assert.equal(full.status, 409);
  assert.match(((await full.json()) as { error: string }).error, /at most 1000 faults/);
  assert.equal((await fetch(`${base}/_standin/faults`, { method: 'DELETE' })).status, 200);
  assert.equal((await inject()).status, 200);
  standin.faults.clear();
});

test('bad options and channel lists are refused with a stable code', () => {
  assert.throws(
    () => createSlackStandin({ channels: [{ name: 'a', path: 'not-a-path' }] }),
    /slack_standin_invalid_channels|path/,
  );
  assert.throws(
    () =>
      createSlackStandin({
        channels: [
          { name: 'a', path: 'T1/B1/s' },
          { name: 'a', path: 'T1/B1/t' },
        ],
      }),
    SlackStandinError,
  );
  assert.throws(() => createSlackStandin({ channels: [], ratePerSecond: 0 }), SlackStandinError);
});
