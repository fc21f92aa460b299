import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MARKDOWN_MAX_BYTES,
  TEXT_MAX_BYTES,
  isWecomErrorLike,
  markdownMessage,
  maskUrl,
  textMessage,
  truncateBytes,
  utf8Bytes,
  wecomRobotId,
} from './fixtures.js';

test('truncateBytes cuts on a character boundary, ends with the visible marker, and keeps the byte limit', () => {
  const s = '告警😀'.repeat(500); // 3-byte and 4-byte (surrogate pair) characters
  for (const max of [100, 101, 102, 103, 2048, 4096]) {
    const cut = truncateBytes(s, max);
    assert.ok(utf8Bytes(cut) <= max, `${max}`);
    assert.ok(cut.endsWith('…(truncated)'));
    assert.ok(!/[\uD800-\uDBFF]…/.test(cut), 'no lone high surrogate before the marker');
    assert.ok(!cut.includes('\uFFFD'));
  }
  assert.equal(truncateBytes('short', 10), 'short');
  assert.equal(truncateBytes('x'.repeat(20), 10, '…'), `${'x'.repeat(7)}…`);
});

test('textMessage: mentions in the lists, content within 2,048 bytes', () => {
  const m = textMessage({
    content: '磁盘'.repeat(2000),
    mentionedList: ['zhangsan', '@all'],
    mentionedMobileList: ['13800001111'],
  });
  assert.equal(m.msgtype, 'text');
  assert.ok(utf8Bytes(m.text.content) <= TEXT_MAX_BYTES);
  assert.ok(utf8Bytes(m.text.content) > TEXT_MAX_BYTES - 20, 'the budget is used, not wasted');
  assert.deepEqual(m.text.mentioned_list, ['zhangsan', '@all']);
  assert.deepEqual(m.text.mentioned_mobile_list, ['13800001111']);
  assert.deepEqual(Object.keys(textMessage({ content: 'x' }).text), ['content']);
  assert.throws(() => textMessage({ content: 'x', mentionedList: ['<@x>'] }), isWecomErrorLike);
  assert.throws(() => textMessage({ content: 'x', mentionedMobileList: ['abc'] }), isWecomErrorLike);
});

test('markdownMessage: <@userid> line kept whole, the whole content within 4,096 bytes', () => {
  const m = markdownMessage({ content: '#### 告警\n'.repeat(1000), mentionUserIds: ['zhangsan', 'li.si'] });
  assert.ok(utf8Bytes(m.markdown.content) <= MARKDOWN_MAX_BYTES);
  assert.ok(m.markdown.content.endsWith('…(truncated)\n\n<@zhangsan> <@li.si>'));
  assert.equal(markdownMessage({ content: 'hi' }).markdown.content, 'hi');
  assert.throws(() => markdownMessage({ content: 'x', mentionUserIds: ['a>b'] }), isWecomErrorLike);
});

test('the robot key: masked in URLs, hashed for the rate gate (one id per key, never the key)', () => {
  const a = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
  const b = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=11111111-2222-3333-4444-555555555555';
  assert.equal(maskUrl(a), 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***');
  assert.notEqual(wecomRobotId(a), wecomRobotId(b), 'two robots on the same path are two gates');
  assert.equal(wecomRobotId(a), wecomRobotId(`${a}&debug=1`));
  assert.ok(!wecomRobotId(a).includes('693a91f6'));
  assert.match(wecomRobotId(a), /^[0-9a-f]{20}$/);
});
