import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDingtalk } from '../src/receivers/dingtalk/index.js';
import { digest, incident, zhMarkdown } from './render-fixtures.js';

type Md = { msgtype: string; markdown: { title: string; text: string }; at: Record<string, unknown> };
type Txt = { msgtype: string; text: { content: string }; at: Record<string, unknown> };

test('one incident, zh-CN markdown: exactly the MESSAGES.md §1 message', () => {
  const n = renderDingtalk('oncall', digest([incident()]), zhMarkdown);
  const body = n.body as unknown as Md;
  assert.equal(body.msgtype, 'markdown');
  assert.equal(body.markdown.title, '[prod-hz] BackOff payments/payments-api ×57');
  assert.equal(
    body.markdown.text,
    [
      '#### 【告警】prod-hz 杭州生产 · Pod 反复重启 (BackOff)',
      '- **对象**: Pod payments-api-7d9f8-x2kq（Deployment payments-api）',
      '- **命名空间**: payments',
      '- **次数**: 57 次，首次 10:02:11，最近 10:14:40（UTC+8）',
      '> Back-off restarting failed container api in pod payments-api-7d9f8-x2kq',
      '',
      '@13800000001',
    ].join('\n'),
  );
  assert.deepEqual(body.at, { atMobiles: ['13800000001'], atUserIds: [], isAtAll: false });
  assert.equal(n.truncated, 0);
  assert.equal(n.bytes, Buffer.byteLength(JSON.stringify(n.body)));
  assert.deepEqual(n.incidentKeys, ['prod-hz/payments/Pod/payments-api-7d9f8-x2kq/BackOff']);
});

test('one incident, en text: the MESSAGES.md §4 layout; label mentions join the configured ones', () => {
  const n = renderDingtalk('oncall', digest([incident({ mentions: ['13800000002', 'manager01'] })]), {
    ...zhMarkdown,
    msgType: 'text',
    locale: 'en',
  });
  const body = n.body as unknown as Txt;
  assert.equal(
    body.text.content,
    [
      '[ALERT] prod-hz 杭州生产 · payments · BackOff ×57',
      'Pod payments-api-7d9f8-x2kq (Deployment payments-api), 10:02:11–10:14:40 UTC+8',
      'Back-off restarting failed container api in pod payments-api-7d9f8-x2kq',
      '',
      '@13800000001 @13800000002 @manager01',
    ].join('\n'),
  );
  assert.deepEqual(body.at, {
    atMobiles: ['13800000001', '13800000002'],
    atUserIds: ['manager01'],
    isAtAll: false,
  });
});

test('group digest: ordered new > grown > ongoing, Warning first, higher count first; times in the receiver zone', () => {
  const d = digest([
    incident({
      status: 'ongoing',
      reason: 'ImagePullBackOff',
      object: { kind: 'Pod', name: 'payments-canary-6f' },
      count: 31,
      firstSeen: '2025-03-01T01:40:00Z',
      owner: undefined,
    }),
    incident({
      reason: 'FailedMount',
      object: { kind: 'Pod', name: 'payments-db-0' },
      count: 4,
      owner: undefined,
      message: 'MountVolume.SetUp failed for volume "data"',
    }),
    incident({
      type: 'Normal',
      reason: 'Pulled',
      object: { kind: 'Pod', name: 'n' },
      count: 900,
      owner: undefined,
    }),
    incident({
      status: 'grown',
      newOccurrences: 5,
      reason: 'Unhealthy',
      object: { kind: 'Pod', name: 'w' },
      count: 12,
      owner: undefined,
    }),
    incident(),
  ]);
  const body = renderDingtalk('oncall', d, {
    ...zhMarkdown,
    timeZone: 'Europe/Berlin',
    mentions: { mobiles: [], userIds: [], atAll: false },
  }).body as unknown as Md;
  assert.equal(body.markdown.title, '[prod-hz] payments: 3 个新问题, 1 个增长, 1 个持续');
  const lines = body.markdown.text.split('\n');
  assert.equal(lines[0], '#### 【告警】prod-hz 杭州生产 · payments · 3 个新问题，1 个增长，1 个持续');
  assert.match(
    lines[1]!,
    /^1\. \*\*BackOff\*\* Pod payments-api-7d9f8-x2kq（Deployment payments-api） ×57（03:02–03:14） — Back-off/,
  );
  assert.match(lines[2]!, /^2\. \*\*FailedMount\*\* Pod payments-db-0 ×4/);
  assert.match(lines[3]!, /^3\. \*\*Pulled\*\* Pod n ×900/);
  assert.match(lines[4]!, /^4\. \*\*Unhealthy\*\* Pod w ×12（\+5）/);
  assert.equal(lines[5], '5. **持续** ImagePullBackOff Pod payments-canary-6f ×31（自 02:40）');
  assert.equal(lines.length, 6);
});

test('storm summary: totals per reason, objects, namespaces, next summary time, "no event was dropped"', () => {
  const many = Array.from({ length: 5 }, (_, k) =>
    incident({
      object: { kind: 'Pod', name: `api-${k}` },
      namespace: k < 3 ? 'payments' : 'orders',
      newOccurrences: 10,
    }),
  );
  const nodes = ['node-7', 'node-9'].map((name) =>
    incident({
      reason: 'NodeNotReady',
      object: { kind: 'Node', name },
      namespace: '',
      newOccurrences: 1,
      owner: undefined,
    }),
  );
  const d = digest([...many, ...nodes], {
    merged: { groups: 4, nextAt: '2025-03-01T02:21:00Z' },
    groupLabels: { cluster: 'prod-hz' },
    windowStart: '2025-03-01T02:10:00Z',
  });
  const body = renderDingtalk('oncall', d, zhMarkdown).body as unknown as Md;
  assert.equal(body.markdown.title, '[prod-hz] 事件风暴: 52 条 Warning / 7 个对象');
  const lines = body.markdown.text.split('\n');
  assert.equal(lines[0], '#### 【风暴】prod-hz 杭州生产 · 5 分钟内 52 条 Warning，涉及 7 个对象');
  assert.equal(lines[1], '- 7 个新问题', 'what is new and what grew');
  assert.equal(lines[2], '- **BackOff** 5 个 Pod，50 次（payments 3，orders 2）');
  assert.equal(lines[3], '- **NodeNotReady** 2 个 Node，2 次：node-7、node-9');
  assert.equal(lines[4], '> 本群每分钟最多 20 条消息，已合并为摘要；下一次汇总 10:21。没有任何事件被丢弃。');
  // without a scheduled next summary the message promises none
  const { merged: _m, ...single } = d;
  const none = renderDingtalk('oncall', { ...single, merged: { groups: 4 } }, zhMarkdown)
    .body as unknown as Md;
  assert.match(none.markdown.text, /> 本群每分钟最多 20 条消息，已合并为摘要。没有任何事件被丢弃。/);
  assert.doesNotMatch(none.markdown.text, /下一次汇总/);
});

test('storm summary lists grown and resolved incidents; digests say the reason; a resolved incident has its own tag', () => {
  const grown = incident({ object: { kind: 'Pod', name: 'api-0' }, status: 'grown', newOccurrences: 4 });
  const fresh = incident({ object: { kind: 'Pod', name: 'api-1' }, newOccurrences: 2 });
  const gone = incident({ object: { kind: 'Pod', name: 'db-0' }, status: 'resolved', newOccurrences: 0 });
  const storm = renderDingtalk('oncall', digest([grown, fresh, gone], { merged: { groups: 2 } }), zhMarkdown)
    .body as unknown as Md;
  const lines = storm.markdown.text.split('\n');
  assert.equal(lines[1], '- 1 个新问题，1 个增长，1 个已恢复');
  assert.match(storm.markdown.text, /- 1 个已恢复：BackOff db-0/);
  const dg = renderDingtalk('oncall', digest([grown, fresh]), zhMarkdown).body as unknown as Md;
  assert.match(dg.markdown.title, / BackOff: 1 个新问题, 1 个增长$/, 'the title says the reason');
  const one = renderDingtalk('oncall', digest([gone]), zhMarkdown).body as unknown as Md;
  assert.match(one.markdown.title, /已恢复 BackOff/);
  assert.match(one.markdown.text, /^#### 【恢复】/);
  const two = renderDingtalk('oncall', digest([gone, { ...gone, incidentKey: 'k2' }]), zhMarkdown)
    .body as unknown as Md;
  assert.match(two.markdown.text, /\*\*已恢复\*\* BackOff Pod db-0.*×\d+（.*，持续 \d+ 分钟）/);
});
