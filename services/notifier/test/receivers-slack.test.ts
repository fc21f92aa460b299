import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMessage } from '@kube-herald/slack';
import type { SlackMessage } from '@kube-herald/slack';
import { createSlackStandin } from '@kube-herald/slack-standin';
import {
  createSlackReceiver,
  renderSlack,
  sectionChunks,
  slackReceiverSchema,
  validateSlackWebhook,
} from '../src/receivers/slack/index.js';
import type { SlackRenderOptions } from '../src/receivers/slack/index.js';
import { ConfigError } from '@kube-herald/config';
import { parseNotifierConfig } from '../src/config.js';
import { digest, incident, loadedConfig } from './render-fixtures.js';

const en: SlackRenderOptions = {
  format: 'blocks',
  locale: 'en',
  timeZone: 'UTC',
  mentions: { users: ['U024BE7LH'], groups: ['S0614TZR7'], here: false },
  footer: 'kube-herald · oncall',
};
const texts = (m: SlackMessage): string[] =>
  (m.blocks ?? []).flatMap((b) =>
    b.type === 'header' || b.type === 'section'
      ? [b.text.text]
      : b.type === 'context'
        ? b.elements.map((e) => e.text)
        : [],
  );

const parse = (o: Record<string, unknown>) =>
  loadedConfig(slackReceiverSchema, { name: 'oncall', type: 'slack', ...o });

test('one incident in Block Kit: a header with the title, the MESSAGES.md lines as mrkdwn, mentions from config, a context line', () => {
  const n = renderSlack('oncall', digest([incident()]), en);
  const body = n.body as unknown as SlackMessage;
  assert.equal(checkMessage(body), undefined, 'within every Slack limit');
  const [header, section, who, ctx] = body.blocks ?? [];
  assert.deepEqual(header, {
    type: 'header',
    text: { type: 'plain_text', text: '[prod-hz] BackOff payments/payments-api ×57', emoji: true },
  });
  assert.equal(section?.type, 'section');
  const text = section?.type === 'section' ? section.text.text : '';
  assert.match(text, /^\*\[ALERT\] prod-hz 杭州生产 · container restarting \(BackOff\)\*/);
  assert.match(text, /• \*Object\*: Pod payments-api-7d9f8-x2kq \(Deployment payments-api\)/);
  assert.match(text, /> Back-off restarting failed container api/);
  assert.deepEqual(who, {
    type: 'section',
    text: { type: 'mrkdwn', text: '<@U024BE7LH> <!subteam^S0614TZR7>' },
  });
  assert.equal(ctx?.type, 'context');
  assert.equal(body.text, '[prod-hz] BackOff payments/payments-api ×57\n<@U024BE7LH> <!subteam^S0614TZR7>');
  const zh = renderSlack('oncall', digest([incident()]), {
    ...en,
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
  });
  assert.match(JSON.stringify(zh.body), /【告警】prod-hz 杭州生产 · Pod 反复重启 \(BackOff\)/);
  assert.match(JSON.stringify(zh.body), /首次 10:02:11，最近 10:14:40（UTC\+8）/);
});

test('hostile event text cannot mention, link or format its way out of mrkdwn', () => {
  const hostile = incident({
    message:
      '<!channel> <!here> <@U0EVIL> <!subteam^S0EVIL> <https://evil.example|click> & @here http://x.example *bold* `code`',
    object: { kind: 'Pod', name: 'p<!everyone>' },
  });
  for (const format of ['blocks', 'text'] as const) {
    const body = renderSlack('oncall', digest([hostile, incident({ object: { kind: 'Pod', name: 'b' } })]), {
      ...en,
      format,
      mentions: { users: [], groups: [], here: false },
    }).body as unknown as SlackMessage;
    const all = [body.text, ...texts(body)].join('\n');
    assert.ok(!/<[!@#]/.test(all), `no <!…>/<@…> sequence in ${format}: ${all}`);
    assert.ok(!/<https?:/.test(all), 'no <url|label> link');
    assert.ok(!all.includes('@here') && !all.includes('http://'), 'no bare @here, no bare link');
    assert.ok(all.includes('&lt;!channel&gt;') && all.includes('&amp;'), 'shown, escaped');
    assert.ok(all.includes('*\u200Bbold*\u200B') && all.includes('`\u200Bcode`\u200B'), 'markers disarmed');
  }
});

test('a large digest stays within Slack limits and the body limit, with a "+N more" line', () => {
  const many = Array.from({ length: 400 }, (_, i) =>
    incident({
      object: { kind: 'Pod', name: `pod-${i}-${'x'.repeat(40)}` },
      message: `m${i} ${'长'.repeat(150)}`,
    }),
  );
  for (const maxBodyBytes of [20_000, 200_000]) {
    const n = renderSlack('oncall', digest(many), { ...en, maxBodyBytes });
    const body = n.body as unknown as SlackMessage;
    assert.equal(
      checkMessage(body),
      undefined,
      `limits kept at ${maxBodyBytes}: ${JSON.stringify(checkMessage(body))}`,
    );
    assert.ok(n.bytes <= maxBodyBytes, `${n.bytes} ≤ ${maxBodyBytes}`);
    assert.ok(n.truncated > 0 && (body.blocks?.length ?? 0) <= 50);
    assert.match(texts(body).join('\n'), /more not listed \(message size limit\)/);
  }
  const chunks = sectionChunks(`${'a'.repeat(5000)}\nshort\n${'b'.repeat(2999)}`);
  assert.deepEqual(
    chunks.map((c) => c.length),
    [3000, 2000 + 1 + 5, 2999],
  );
});

test('schema: defaults, ids only, no secret, https webhook with the /services/ path', () => {
  const cfg = parse({});
  assert.deepEqual([cfg.format, cfg.locale, cfg.timeZone, cfg.ratePerMinute], ['blocks', 'en', 'UTC', 50]);
  assert.deepEqual(cfg.mentions, { users: [], groups: [], here: false });
  assert.throws(() => parse({ mentions: { users: ['<!channel>'] } }), /not a Slack user id/);
  assert.throws(() => parse({ mentions: { groups: ['U123'] } }), /not a Slack user-group id/);
  assert.throws(() => parse({ mentions: { fromLabel: 'team' } }), /configuration only/);
  assert.throws(() => parse({ secret: 's' }), /no signing secret/);
  assert.throws(() => parse({ ratePerMinute: 61 }), /about one message per second/);
  assert.deepEqual(validateSlackWebhook('https://hooks.slack.com/services/T0/B0/abc', false), []);
  assert.equal(validateSlackWebhook('http://127.0.0.1:1/services/T0/B0/abc', false).length, 1);
  assert.deepEqual(validateSlackWebhook('http://127.0.0.1:1/services/T0/B0/abc', true), []);
  assert.match(
    validateSlackWebhook('https://hooks.slack.com/services/T0', false).join(),
    /copy the whole URL/,
  );
  assert.deepEqual(validateSlackWebhook('not a url https://hooks.slack.com/services/T0/B0/SECRETX', false), [
    'webhook is not an absolute URL',
  ]);
});

test('receiver against the stand-in: 1/s budget declared, ok, 429 throttle, 5xx retry, archived permanent, no URL in outcomes', async () => {
  const standin = createSlackStandin({
    channels: [
      { name: 'oncall', path: 'T0A/B0A/SeCrEtOnCall' },
      { name: 'old', path: 'T0A/B0B/SeCrEtOld', archived: true },
    ],
  });
  await standin.start();
  try {
    const r = createSlackReceiver(parse({ mentions: { users: ['U024BE7LH'] } }), {
      webhook: standin.webhookFor('oncall'),
    });
    assert.deepEqual([r.type, r.ratePerMinute, r.ratePerSecond], ['slack', 50, 1]);
    const n = r.render(digest([incident()]));
    assert.equal((await r.send(n)).verdict, 'ok');
    const [msg] = standin.messages('oncall');
    assert.deepEqual(msg?.mentions, ['<@U024BE7LH>', '<@U024BE7LH>'], 'in the fallback text and the blocks');
    standin.faults.inject({ mode: 'throttle', times: 1, retryAfterSeconds: 2 });
    const throttled = await r.send(n);
    assert.deepEqual([throttled.verdict, throttled.code, throttled.errcode], ['throttle', 'throttled', 429]);
    standin.faults.inject({ mode: 'http5xx', times: 1 });
    assert.deepEqual([(await r.send(n)).verdict, (await r.send(n)).verdict], ['retry', 'ok']);
    const old = createSlackReceiver(parse({ name: 'old' }), { webhook: standin.webhookFor('old') });
    const gone = await old.send(n);
    assert.deepEqual(
      [gone.verdict, gone.code, gone.errmsg],
      ['permanent', 'channel_is_archived', 'channel_is_archived'],
    );
    assert.ok(!JSON.stringify([throttled, gone]).includes('SeCrEt'));
    assert.notEqual(r.robotKey, old.robotKey);
    assert.ok(!r.robotKey?.includes('SeCrEt'));
  } finally {
    await standin.close();
  }
});

test('config: a slack receiver loads with its webhook in the secrets; problems are listed by path without the URL', () => {
  const base = { kafka: { brokers: '127.0.0.1:9092' }, redis: { url: 'redis://127.0.0.1:6379/0' } };
  const hook = 'https://hooks.slack.com/services/T00SLACK/B00SLACK/SeCrEtConfig42';
  const c = parseNotifierConfig(
    { ...base, receivers: [{ name: 'chat', type: 'slack', webhook: hook }], route: { receiver: 'chat' } },
    {},
  );
  assert.equal(c.secrets.receiver('chat')?.webhook, hook);
  assert.ok(!JSON.stringify(c).includes('SeCrEt'), 'the webhook is not in the validated config');
  const bad = {
    ...base,
    receivers: [
      { name: 'a', type: 'slack', webhook: hook.replace('https:', 'http:') },
      { name: 'b', type: 'slack', webhook: 'https://hooks.slack.com/services/SeCrEtOnly' },
      {
        name: 'c',
        type: 'slack',
        webhook: hook,
        secret: 'x',
      },
      { name: 'd', type: 'slack', webhook: hook, mentions: { users: ['@here'] }, format: 'card' },
    ],
    route: { receiver: 'a' },
  };
  const err = (() => {
    try {
      parseNotifierConfig(bad, {});
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(err instanceof ConfigError);
  const paths = err.problems.map((p) => p.path);
  for (const expected of ['receivers.2.secret', 'receivers.3.mentions.users.0', 'receivers.3.format']) {
    assert.ok(paths.includes(expected), `missing ${expected} in ${paths.join(', ')}`);
  }
  assert.match(err.message, /must be https/);
  assert.match(err.message, /copy the whole URL/);
  assert.ok(!err.message.includes('SeCrEt'), 'no webhook in the error');
});
