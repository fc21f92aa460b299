// End to end for the Slack receiver: real Kafka + Redis, notifier instances, the Slack stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMessage, type SlackMessage } from '@kube-herald/slack';
import { createSlackStandin, type SlackStandin, type StandinChannel } from '@kube-herald/slack-standin';
import type { NotifierOptions } from '../src/notifier.js';
import { metricValue, until, warning } from './pipeline-harness.js';
import { startPlatformNotifier, type PlatformNotifier } from './platform-world.js';

type World = PlatformNotifier<SlackStandin>;

/** Stand-in channels, a topic, a notifier with one `type: slack` receiver per channel (route by namespace). */
function world(
  channels: readonly StandinChannel[],
  receivers: Record<string, Record<string, unknown>>,
  options: NotifierOptions = {},
): Promise<World> {
  return startPlatformNotifier({
    standin: createSlackStandin({ channels }),
    label: 'slack',
    receivers: (standin) =>
      channels.map(({ name }) => ({
        name,
        type: 'slack',
        webhook: standin.webhookFor(name),
        ...receivers[name],
      })),
    options,
  });
}

const bodyOf = (m: { body: Record<string, unknown> }) => m.body as unknown as SlackMessage;

test('Kafka records to Slack messages: Block Kit within limits, mentions only from config, hostile text inert; a storm held to ~1/s with zero 429 answers', async () => {
  const w = await world([{ name: 'alerts', path: 'T0E2E/B0E2E/e2eSecret01' }], {
    alerts: { mentions: { users: ['U024BE7LH'] } },
  });
  try {
    const hostile = warning({ ns: 'alerts', name: 'evil-1', reason: 'Failed' }, 1);
    await w.publish([
      { ...hostile, message: '<!channel> <@U0EVIL> <https://evil.example|click here> @here & done' },
    ]);
    await until(async () => (await w.notified()) === 1, 30_000, 'the first message');
    const [first] = w.standin.messages('alerts');
    assert.ok(first);
    assert.deepEqual(
      first.mentions,
      ['<@U024BE7LH>', '<@U024BE7LH>'],
      'only the configured user is mentioned',
    );
    assert.deepEqual(first.links, [], 'no link from event text');
    assert.ok(
      first.blockTexts.some((t) => t.includes('&lt;!channel&gt;')),
      'the text is shown, escaped',
    );
    assert.equal(checkMessage(bodyOf(first)), undefined);

    // a storm: 3,000 events over 60 objects and 3 reasons in 6 waves, one webhook
    const started = Date.now();
    await w.storm((i) => ({ ns: 'alerts', name: `pod-${i % 60}` }), 500);
    await until(async () => (await w.notified()) === 3001, 90_000, 'every event accounted');
    const seconds = (Date.now() - started) / 1000;
    const s = w.standin.stats().channels['alerts']!;
    assert.equal(s.rateLimited, 0, 'no 429 answer: the gate held the webhook to its rate');
    assert.deepEqual(Object.keys(s.answers), ['200 ok'], 'no refusal of any kind');
    assert.ok(s.accepted >= 3, `several messages (${s.accepted})`);
    assert.ok(
      s.accepted <= Math.ceil(seconds) + 3,
      `${s.accepted} messages in ${seconds.toFixed(1)} s: ~1/s`,
    );
    for (const m of w.standin.messages('alerts')) assert.equal(checkMessage(bodyOf(m)), undefined);
    const sent = await metricValue(w.registry, 'kube_herald_notifier_messages_sent_total');
    assert.equal(sent, s.accepted, 'every sent message reached the channel exactly once');
  } finally {
    await w.close();
  }
});

test('429 and 5xx are retried until delivered; an archived channel goes to the failed set after one try', async () => {
  const w = await world(
    [
      { name: 'alerts', path: 'T0RT/B0RT/retrySecret01' },
      { name: 'old', path: 'T0RT/B0OLD/archivedSecret', archived: true },
    ],
    {},
  );
  try {
    // Retry-After 6 s, longer than the gate's first throttle block here (throttleBackoffMs 1 s)
    w.standin.faults.inject({ channel: 'alerts', mode: 'throttle', times: 1, retryAfterSeconds: 6 });
    w.standin.faults.inject({ channel: 'alerts', mode: 'http5xx', times: 2 });
    const publishedAt = Date.now();
    await w.publish(
      Array.from({ length: 6 }, (_, i) => warning({ ns: 'alerts', name: `w-${i % 2}` }, i + 1)),
    );
    await w.publish([warning({ ns: 'old', name: 'gone-1' }, 1)]);
    await until(async () => (await w.notified()) === 6, 30_000, 'delivered after the faults');
    assert.equal(w.standin.messages('alerts').length, 1);
    const waited = w.standin.messages('alerts')[0]!.time - publishedAt;
    assert.ok(
      waited >= 6000,
      `delivered ${waited} ms after publishing: the 429's Retry-After (6 s) was honoured`,
    );
    assert.equal(await w.attempts('throttle'), 1);
    assert.ok((await w.attempts('retry')) >= 2);
    assert.equal(
      await metricValue(w.registry, 'kube_herald_notifier_throttled_total', { receiver: 'alerts' }),
      1,
    );
    const failed = await w.failedJob();
    assert.equal(failed?.attemptsMade, 1, 'no retry of a permanent answer');
    assert.match(failed?.failedReason ?? '', /channel_is_archived/);
    assert.ok(!(failed?.failedReason ?? '').includes('archivedSecret'));
    assert.equal(w.standin.stats().channels['old']?.answers['410 channel_is_archived'], 1);
  } finally {
    await w.close();
  }
});
