import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Digest, IncidentSummary } from '../src/model.js';
import { renderDingtalk, type RenderOptions } from '../src/receivers/dingtalk/index.js';
import { digest, incident, zhMarkdown } from './render-fixtures.js';

type Body =
  | { msgtype: 'markdown'; markdown: { title: string; text: string } }
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'actionCard'; actionCard: { title: string; text: string } };

const quiet: RenderOptions = { ...zhMarkdown, mentions: { mobiles: [], userIds: [], atAll: false } };

function render(d: Digest, opts: Partial<RenderOptions> = {}): { title?: string; text: string } {
  const body = renderDingtalk('oncall', d, { ...quiet, ...opts }).body as unknown as Body;
  if (body.msgtype === 'text') return { text: body.text.content };
  return body.msgtype === 'markdown' ? body.markdown : body.actionCard;
}

/** An incident of Node `name` (cluster-scoped: no namespace, no owner). */
const nodeIncident = (name: string, reason: string, o: Partial<IncidentSummary>): IncidentSummary =>
  incident({
    incidentKey: `prod-hz//Node/${name}/${reason}`,
    reason,
    object: { kind: 'Node', name },
    namespace: '',
    owner: undefined,
    ...o,
  });

const oom = nodeIncident('node-3', 'OOMKilling', {
  message: 'Memory cgroup out of memory: Killed process 4242 (java)',
  count: 3,
  newOccurrences: 3,
});
const nodeGroup = {
  groupKey: 'oncall|cluster=prod-hz|namespace=',
  groupLabels: { cluster: 'prod-hz', namespace: '' },
};

test('a Node incident, zh-CN and en markdown and actionCard: no namespace line, no leading slash in the title', () => {
  const d = digest([oom], nodeGroup);
  const zh = render(d);
  assert.equal(zh.title, '[prod-hz] OOMKilling node-3 ×3');
  assert.deepEqual(zh.text.split('\n'), [
    '#### 【告警】prod-hz 杭州生产 · 节点内存不足，进程被杀 (OOMKilling)',
    '- **对象**: Node node-3',
    '- **次数**: 3 次，首次 10:02:11，最近 10:14:40（UTC+8）',
    '> Memory cgroup out of memory: Killed process 4242 \\(java\\)',
  ]);
  const en = render(d, { locale: 'en' });
  assert.equal(en.title, '[prod-hz] OOMKilling node-3 ×3');
  assert.doesNotMatch(en.text, /Namespace/);
  assert.match(en.text, /^- \*\*Object\*\*: Node node-3$/m);
  const card = render(d, { msgType: 'actionCard', keywords: ['K8s'] });
  assert.equal(card.title, '[prod-hz] OOMKilling node-3 ×3');
  assert.doesNotMatch(card.text, /命名空间/);
  assert.match(card.text, /\n\nK8s$/, 'the keyword is visible');
});

test('a Node incident as text (zh-CN, en): the headline skips the empty namespace', () => {
  const d = digest([oom], nodeGroup);
  assert.deepEqual(render(d, { msgType: 'text', locale: 'en' }).text.split('\n'), [
    '[ALERT] prod-hz 杭州生产 · OOMKilling ×3',
    'Node node-3, 10:02:11–10:14:40 UTC+8',
    'Memory cgroup out of memory: Killed process 4242 (java)',
  ]);
  const zh = render(d, { msgType: 'text' }).text;
  assert.equal(zh.split('\n')[0], '【告警】prod-hz 杭州生产 · OOMKilling ×3');
  assert.doesNotMatch(zh, / · {2}·|· ·/);
});

test('a namespaced incident keeps its namespace line and namespace/owner title', () => {
  const { title, text } = render(digest([incident()]));
  assert.equal(title, '[prod-hz] BackOff payments/payments-api ×57');
  assert.match(text, /^- \*\*命名空间\*\*: payments$/m);
  assert.match(
    render(digest([incident()]), { msgType: 'text' }).text,
    /^【告警】prod-hz 杭州生产 · payments · BackOff ×57$/m,
  );
});

test('a digest of Node incidents: no empty namespace in title or heading', () => {
  const notReady = nodeIncident('node-4', 'NodeNotReady', {
    message: 'Node node-4 status is now: NodeNotReady',
  });
  const d = digest([oom, notReady], nodeGroup);
  for (const opts of [{}, { locale: 'en' as const }, { msgType: 'text' as const }]) {
    const { title, text } = render(d, opts);
    if (title !== undefined) assert.match(title, /^\[prod-hz\]: 2 (个新问题|new)$/);
    assert.match(text.split('\n')[0]!, /^(#### )?(【告警】|\[ALERT\] )prod-hz 杭州生产 · 2 (个新问题|new)$/);
    assert.match(text, /Node node-4 ×57/);
    assert.doesNotMatch(text, /\/node-|· ·/);
  }
});

test('storm: cluster-scoped objects are left out of the namespace breakdown; next summary time in the receiver zone', () => {
  const pods = Array.from({ length: 4 }, (_, k) =>
    incident({
      reason: 'NodeNotReady',
      object: { kind: 'Pod', name: `api-${k}` },
      namespace: k < 3 ? 'payments' : 'orders',
      newOccurrences: 1,
    }),
  );
  const node = incident({
    reason: 'NodeNotReady',
    object: { kind: 'Node', name: 'node-7' },
    namespace: '',
    owner: undefined,
    newOccurrences: 1,
  });
  const d = digest([...pods, node], {
    merged: { groups: 3, nextAt: '2025-03-01T16:01:00Z' },
    groupLabels: { cluster: 'prod-hz' },
    windowStart: '2025-03-01T15:58:00Z',
    windowEnd: '2025-03-01T15:59:30Z',
  });
  const lines = render(d).text.split('\n');
  assert.equal(lines[1], '- 5 个新问题');
  assert.equal(lines[2], '- **NodeNotReady** 5 个对象，5 次（payments 3，orders 1）');
  // in the receiver's zone (UTC+8: 16:01Z is 00:01 the next day)
  assert.equal(lines[3], '> 本群每分钟最多 20 条消息，已合并为摘要；下一次汇总 00:01。没有任何事件被丢弃。');
  const en = render(d, { locale: 'en', timeZone: 'UTC' }).text;
  assert.match(en, /^- \*\*NodeNotReady\*\* 5 objects, 5 times \(payments 3, orders 1\)$/m);
  assert.match(en, /; next summary at 16:01\. No event was dropped\.$/);
  const noNext = render({ ...d, merged: { groups: 3 } }).text;
  assert.match(noNext, /已合并为摘要。没有任何事件被丢弃。$/);
});
