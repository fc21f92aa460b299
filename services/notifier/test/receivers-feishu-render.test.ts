import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BODY_BYTES } from '@kube-herald/feishu';
import { renderFeishu, validateFeishuWebhook } from '../src/receivers/feishu/index.js';
import type { FeishuRenderOptions } from '../src/receivers/feishu/index.js';
import { receiverSchema } from '../src/receivers/index.js';
import { digest, incident } from './render-fixtures.js';

const opts = (o: Partial<FeishuRenderOptions> = {}): FeishuRenderOptions => ({
  msgType: 'interactive',
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  keywords: ['K8s'],
  mentions: { userIds: ['ou_oncall'], atAll: false },
  ...o,
});

const HOSTILE =
  'boom <at user_id="all">所有人</at> <at id=all></at> [点我](https://evil.example/x) **bold** http://evil.example/y';

test('feishu render: one incident as a red card in the MESSAGES.md voice; keyword and mentions added', () => {
  const n = renderFeishu('ops', digest([incident()]), opts());
  const body = n.body as {
    msg_type: string;
    card: { header: { title: { content: string }; template: string }; elements: { content?: string }[] };
  };
  assert.equal(body.msg_type, 'interactive');
  assert.equal(body.card.header.template, 'red');
  assert.match(body.card.header.title.content, /prod-hz.*BackOff/);
  const md = body.card.elements.map((e) => e.content ?? '').join('\n');
  assert.match(md, /payments-api-7d9f8-x2kq/);
  assert.match(md, /K8s/, 'the keyword is added when missing');
  assert.match(md, /<at id=ou_oncall><\/at>/);
  const resolved = renderFeishu('ops', digest([incident({ status: 'resolved' })]), opts());
  assert.equal((resolved.body as { card: { header: { template: string } } }).card.header.template, 'green');
});

test('feishu render: hostile event text can neither mention nor link, in card, post and text', () => {
  const d = digest([incident({ message: HOSTILE, object: { kind: 'Pod', name: 'x<at id=all>' } })]);
  for (const msgType of ['interactive', 'post', 'text'] as const) {
    const json = JSON.stringify(
      renderFeishu('ops', d, opts({ msgType, mentions: { userIds: [], atAll: false } })).body,
    );
    assert.doesNotMatch(json, /<at/, `${msgType}: no <at> tag from event text`);
    assert.doesNotMatch(json, /[^\\]\]\(/, `${msgType}: no [x](url) link`);
    assert.doesNotMatch(json, /https?:\/\/evil/, `${msgType}: bare URLs broken`);
    assert.doesNotMatch(json, /"tag":"(a|at)"/, `${msgType}: no link or mention elements`);
  }
  const atAll = JSON.stringify(
    renderFeishu('ops', d, opts({ msgType: 'text', mentions: { userIds: [], atAll: true } })).body,
  );
  assert.equal(atAll.match(/<at /g)?.length, 1, 'only the configured @all');
});

test('feishu render: the body stays within the limit in UTF-8 bytes (CJK), listing as many incidents as fit', () => {
  const many = Array.from({ length: 300 }, (_, i) =>
    incident({
      incidentKey: `k-${i}`,
      object: { kind: 'Pod', name: `支付服务-${i}` },
      message: '容器反复重启，回退中：'.repeat(20),
    }),
  );
  for (const msgType of ['interactive', 'post', 'text'] as const) {
    const n = renderFeishu('ops', digest(many), opts({ msgType }));
    const bytes = Buffer.byteLength(JSON.stringify(n.body), 'utf8');
    assert.ok(bytes <= MAX_BODY_BYTES - 100, `${msgType}: ${bytes} bytes`);
    assert.ok(bytes > MAX_BODY_BYTES / 2, `${msgType}: the budget is used (${bytes})`);
    assert.ok(n.truncated > 0 && n.truncated < 300, `${msgType}: ${n.truncated} not listed`);
    assert.equal(n.bytes, bytes);
  }
});

test('feishu config: defaults 90/min and 4/s, limits 100 and 5; webhook must be …/open-apis/bot/v2/hook/<token>', () => {
  const ok = receiverSchema.parse({ name: 'f', type: 'feishu', webhook: 'x' });
  assert.ok(ok.type === 'feishu');
  assert.deepEqual([ok.msgType, ok.ratePerMinute, ok.ratePerSecond], ['interactive', 90, 4]);
  assert.equal(receiverSchema.safeParse({ name: 'f', type: 'feishu', ratePerMinute: 101 }).success, false);
  assert.equal(receiverSchema.safeParse({ name: 'f', type: 'feishu', ratePerSecond: 6 }).success, false);
  assert.deepEqual(validateFeishuWebhook('https://open.feishu.cn/open-apis/bot/v2/hook/abc-123', false), []);
  assert.equal(validateFeishuWebhook('http://127.0.0.1:1/open-apis/bot/v2/hook/abc', false).length, 1);
  assert.deepEqual(validateFeishuWebhook('http://127.0.0.1:1/open-apis/bot/v2/hook/abc', true), []);
  const wrong = validateFeishuWebhook('https://open.feishu.cn/robot/send?access_token=SECRET-TOKEN', false);
  assert.equal(wrong.length, 1);
  assert.doesNotMatch(wrong.join(' '), /SECRET-TOKEN/);
});
