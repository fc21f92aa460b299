import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  contentOf,
  MARKDOWN_MAX_BYTES,
  TEXT_MAX_BYTES,
  utf8Bytes,
  type WecomMessage,
} from '@kube-herald/wecom';
import { createWecomStandin } from '@kube-herald/wecom-standin';
import {
  createWecomReceiver,
  renderWecom,
  safeWecomMarkdown,
  validateWecomWebhook,
  wecomReceiverSchema,
} from '../src/receivers/wecom/index.js';
import type { WecomRenderOptions } from '../src/receivers/wecom/render/index.js';
import { receiverSchema } from '../src/receivers/index.js';
import { ConfigError } from '@kube-herald/config';
import { parseNotifierConfig } from '../src/config.js';
import { digest, incident, loadedConfig } from './render-fixtures.js';

const md: WecomRenderOptions = {
  msgType: 'markdown',
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  mentions: { userIds: ['zhangsan'], mobiles: [], atAll: false },
};
const content = (n: { body: Readonly<Record<string, unknown>> }) =>
  contentOf(n.body as unknown as WecomMessage).content;
const HOSTILE =
  '<@lisi> @all <font color="warning">x</font> [click](https://evil.example) **bold** # head\n> quote `code` \u202Eevil';

test('one incident in WeCom markdown: the MESSAGES.md lines, the <@userid> line last, no title field', () => {
  const n = renderWecom('oncall', digest([incident()]), md);
  assert.deepEqual(Object.keys(n.body), ['msgtype', 'markdown']);
  const c = content(n);
  assert.match(c, /^#### 【告警】prod-hz 杭州生产 · /);
  assert.match(c, /- \*\*对象\*\*: Pod payments-api-7d9f8-x2kq（Deployment payments-api）/);
  assert.match(c, /> Back-off restarting failed container api in pod payments-api-7d9f8-x2kq/);
  assert.ok(c.endsWith('\n\n<@zhangsan>'));
});

test('hostile event text cannot mention, link, color or mark up (markdown and text)', () => {
  const n = renderWecom('oncall', digest([incident({ message: HOSTILE, reason: 'Evil<@x>' })]), md);
  const c = content(n);
  assert.deepEqual(
    [...c.matchAll(/<@([^>]+)>/g)].map((m) => m[1]),
    ['zhangsan'],
    'only the configured mention',
  );
  assert.ok(!c.includes('<font') && !c.includes('](') && !c.includes('https://evil'));
  assert.ok(!c.includes('**bold**') && !c.includes('\u202E'));
  assert.match(
    c,
    /＜＠lisi＞ ＠all ＜font color="warning"＞x＜\/font＞ ［click］（https:\/\u200B\/evil\.example）/,
  );
  const t = renderWecom('oncall', digest([incident({ message: HOSTILE })]), { ...md, msgType: 'text' });
  const tb = t.body as unknown as { text: { content: string; mentioned_list?: string[] } };
  assert.deepEqual(tb.text.mentioned_list, ['zhangsan']);
  assert.ok(!tb.text.content.includes('<@') && !tb.text.content.includes('https://evil'));
  assert.equal(safeWecomMarkdown('- list item', 50), '－ list item');
  assert.equal(safeWecomMarkdown('1. first', 50), '1． first');
});

test('the byte limit holds for large digests: markdown ≤ 4,096 and text ≤ 2,048 UTF-8 bytes, then "+N more"', () => {
  const many = Array.from({ length: 120 }, (_, i) =>
    incident({
      object: { kind: 'Pod', name: `支付服务-${i}-${'长'.repeat(30)}` },
      message: '错误'.repeat(200),
    }),
  );
  for (const msgType of ['markdown', 'text'] as const) {
    const n = renderWecom('oncall', digest(many), { ...md, msgType });
    const c = content(n);
    const limit = msgType === 'markdown' ? MARKDOWN_MAX_BYTES : TEXT_MAX_BYTES;
    assert.ok(utf8Bytes(c) <= limit, `${msgType}: ${utf8Bytes(c)} bytes`);
    assert.ok(utf8Bytes(c) > limit * 0.6, `${msgType}: the budget is used (${utf8Bytes(c)})`);
    assert.ok(n.truncated > 0 && n.truncated < 120);
    assert.match(c, /另有 \d+ 个问题未列出/);
    assert.equal(n.incidentKeys.length, 120, 'every incident accounted');
  }
  // a template larger than the limit is cut on a character boundary with the visible marker
  const huge = renderWecom('oncall', digest([incident()]), {
    ...md,
    template: { text: '告警'.repeat(3000) },
  });
  assert.ok(utf8Bytes(content(huge)) <= MARKDOWN_MAX_BYTES);
  assert.match(content(huge), /…|（已截断）/);
});

test('schema: rate ≤ 20 (default 18), no secret, markdown mentions user ids only, webhook needs key=', () => {
  const base = { name: 'w', type: 'wecom', webhook: 'x' };
  const ok = wecomReceiverSchema.parse(base);
  assert.deepEqual([ok.ratePerMinute, ok.msgType, ok.locale], [18, 'markdown', 'zh-CN']);
  assert.equal(receiverSchema.parse(base).type, 'wecom', 'registered in the union');
  const refused = (o: Record<string, unknown>) => !wecomReceiverSchema.safeParse({ ...base, ...o }).success;
  assert.ok(refused({ ratePerMinute: 21 }));
  assert.ok(refused({ secret: 'SEC' }));
  assert.ok(refused({ mentions: { mobiles: ['13800000001'] } }));
  assert.ok(refused({ mentions: { atAll: true } }));
  assert.ok(refused({ mentions: { userIds: ['<@x>'] } }));
  assert.ok(!refused({ msgType: 'text', mentions: { mobiles: ['13800000001'], atAll: true } }));
  assert.deepEqual(validateWecomWebhook('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', false), []);
  assert.match(
    validateWecomWebhook('https://qyapi.weixin.qq.com/cgi-bin/webhook/send', false).join(),
    /key=<key>/,
  );
  assert.match(validateWecomWebhook('http://127.0.0.1/cgi-bin/webhook/send?key=k', false).join(), /https/);
});

test('receiver against the stand-in: delivered, robot key hashed per key, 93000 permanent, outcome without key', async () => {
  const standin = createWecomStandin({
    robots: [
      { name: 'ops', key: 'key-ops-secret-0001' },
      { name: 'dev', key: 'key-dev-0002' },
    ],
  });
  await standin.start();
  try {
    const cfg = loadedConfig(wecomReceiverSchema, {
      name: 'ops',
      type: 'wecom',
      msgType: 'text',
      mentions: { userIds: ['zhangsan'], mobiles: ['13800000001'] },
    });
    const r = createWecomReceiver(cfg, { webhook: standin.webhookFor('ops') });
    const other = createWecomReceiver(cfg, { webhook: standin.webhookFor('dev') });
    assert.equal(r.ratePerMinute, 18);
    assert.notEqual(r.robotKey, other.robotKey, 'two robots on one path, two gates');
    assert.ok(!r.robotKey?.includes('key-ops'));
    const out = await r.send(r.render(digest([incident()])));
    assert.equal(out.verdict, 'ok', JSON.stringify(out));
    const [msg] = standin.messages('ops');
    assert.deepEqual(
      [msg?.msgtype, msg?.mentionedList, msg?.mentionedMobileList],
      ['text', ['zhangsan'], ['13800000001']],
    );
    const wrong = createWecomReceiver(cfg, {
      webhook: standin.webhookFor('ops').replace('key-ops-secret-0001', 'nope'),
    });
    const bad = await wrong.send(wrong.render(digest([incident()])));
    assert.deepEqual([bad.verdict, bad.code, bad.errcode], ['permanent', 'webhook_invalid', 93000]);
    assert.ok(!JSON.stringify(bad).includes('key-ops') && bad.hint);
  } finally {
    await standin.close();
  }
});

test('config: a WeCom webhook without key= or over http is a problem at its path, never quoting it', () => {
  const load = (webhook: string) =>
    parseNotifierConfig({
      kafka: { brokers: '127.0.0.1:9092' },
      redis: { url: 'redis://127.0.0.1:6379' },
      receivers: [{ name: 'ops', type: 'wecom', webhook }],
      route: { receiver: 'ops' },
    });
  assert.equal(
    load('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=s3cr3t-key').secrets.receiver('ops')?.webhook,
    'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=s3cr3t-key',
  );
  for (const bad of [
    'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?x=s3cr3t-key',
    'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=s3cr3t-key',
  ]) {
    assert.throws(
      () => load(bad),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.some((p) => p.path === 'receivers.0.webhook') &&
        !JSON.stringify(e.problems).includes('s3cr3t'),
    );
  }
});
