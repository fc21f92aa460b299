import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChannelSpec } from '../src/commands/slack-standin.js';
import { startStandinCli } from './standin-cli-harness.js';

const startStandin = (argv: readonly string[]) => startStandinCli('slack-standin', 'channel', argv);

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return `${res.status} ${await res.text()}${res.headers.get('retry-after') ? ` retry-after=${res.headers.get('retry-after')}` : ''}`;
};

test('kube-herald slack-standin serves the printed webhooks with Slack answers and its rate, then stops on request', async () => {
  const s = await startStandin([
    '--port',
    '0',
    '--channel',
    'name=alerts',
    '--channel',
    'name=old,archived',
    '--burst',
    '1',
  ]);
  try {
    const alerts = s.webhooks.get('alerts')!;
    assert.match(alerts, /^http:\/\/127\.0\.0\.1:\d+\/services\/[^/]+\/[^/]+\/[^/]+$/);
    assert.equal(await post(alerts, { text: 'hello' }), '200 ok');
    assert.equal(await post(alerts, { text: 'again' }), '429 rate_limited retry-after=1');
    assert.equal(await post(s.webhooks.get('old')!, { text: 'x' }), '410 channel_is_archived');
    assert.equal(await post(alerts.replace(/[^/]+$/, 'nope'), { text: 'x' }), '404 no_service');
    const stats = (await (await fetch(alerts.replace(/\/services\/.*/, '/_standin/stats'))).json()) as {
      channels: Record<string, { accepted: number; rateLimited: number }>;
    };
    assert.deepEqual(stats.channels['alerts'], { ...stats.channels['alerts'], accepted: 1, rateLimited: 1 });
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('--channel specs: a made-up path, flags, and clear errors', () => {
  const c = parseChannelSpec('name=team-a,archived', 0);
  assert.match(c.path, /^T\w+\/B\w+\/\w+$/);
  assert.equal(c.archived, true);
  assert.equal(parseChannelSpec('name=b,path=T1/B2/s3', 1).path, 'T1/B2/s3');
  assert.throws(() => parseChannelSpec('path=T1/B2/s3', 0), /name= is required/);
  assert.throws(() => parseChannelSpec('name=a,colour=red', 0), /not name=/);
});
