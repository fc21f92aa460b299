import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReceivers, receiverSchema } from '../src/receivers/registry.js';
import { digest, incident } from './render-fixtures.js';

// A storm summary names the budget that made it: the receiver's own rate (per minute, and per second where
// the platform has one), not DingTalk's 20 on every platform.
const storm = digest(
  [1, 2, 3].map((n) => incident({ object: { kind: 'Pod', name: `api-${n}` } })),
  { merged: { groups: 3 } },
);

function footerOf(cfg: Record<string, unknown>): string {
  const parsed = receiverSchema.parse({ name: 'r', webhook: 'x', ...cfg });
  const receivers = createReceivers({
    receivers: [parsed],
    secrets: { receiver: () => ({ webhook: 'https://example.invalid/hook/x?key=k&access_token=t' }) },
  });
  const body = JSON.stringify(receivers.get('r')?.render(storm).body);
  const m = /(本群每分钟最多[^。]*。|This group gets at most [^.]*\.)/.exec(body);
  assert.ok(m, body);
  return m[1] ?? '';
}

test('dingtalk: the receiver ratePerMinute (default 18) in either locale', () => {
  assert.equal(footerOf({ type: 'dingtalk' }), '本群每分钟最多 18 条消息，已合并为摘要。');
  assert.equal(
    footerOf({ type: 'dingtalk', ratePerMinute: 12, locale: 'en' }),
    'This group gets at most 12 messages per minute, so events were merged into a summary.',
  );
});

test('wecom: its ratePerMinute', () => {
  assert.equal(footerOf({ type: 'wecom', ratePerMinute: 20 }), '本群每分钟最多 20 条消息，已合并为摘要。');
});

test('feishu: per minute and per second', () => {
  assert.equal(footerOf({ type: 'feishu' }), '本群每分钟最多 90 条消息、每秒最多 4 条，已合并为摘要。');
  assert.equal(
    footerOf({ type: 'feishu', ratePerMinute: 100, ratePerSecond: 5, locale: 'en', msgType: 'text' }),
    'This group gets at most 100 messages per minute and 5 per second, so events were merged into a summary.',
  );
});

test('slack: its ratePerMinute and Slack’s 1 per second', () => {
  assert.equal(
    footerOf({ type: 'slack' }),
    'This group gets at most 50 messages per minute and 1 per second, so events were merged into a summary.',
  );
});
