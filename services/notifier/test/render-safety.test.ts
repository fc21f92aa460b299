import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, fillTemplate, safeMarkdown, truncateChars } from '../src/render/index.js';
import { renderDingtalk } from '../src/receivers/dingtalk/index.js';
import { digest, incident, zhMarkdown } from './render-fixtures.js';

type Md = { markdown: { title: string; text: string }; at: { atMobiles: string[]; isAtAll: boolean } };

const hostile =
  '@all @所有人 @13900000000 [click](http://evil.example/x) ![i](http://evil/p.png) **bold** `code` <b>\u0007\u202Eevil\n# Heading\n> quote\n- item';

test('hostile event text cannot mention, link, add markup or hide characters', () => {
  const n = renderDingtalk('oncall', digest([incident({ message: hostile, reason: '*Bad*_[x]' })]), {
    ...zhMarkdown,
    mentions: { mobiles: [], userIds: [], atAll: false },
  });
  const body = n.body as unknown as Md;
  const text = body.markdown.text;
  assert.ok(!text.includes('@'), 'no ASCII @ survives');
  assert.ok(text.includes('＠all') && text.includes('＠13900000000'));
  assert.ok(!/\[click\]\(/.test(text) && text.includes('\\[click\\]\\(http:/\u200B/evil.example/x\\)'));
  assert.ok(!text.includes('http://'), 'bare URLs are broken');
  assert.ok(text.includes('\\*\\*bold\\*\\*') && text.includes('\\`code\\`'));
  assert.ok(!text.includes('\u0007') && !text.includes('\u202E'), 'control and bidi characters stripped');
  // The message stays on its quoted line: no line of the text starts with event-supplied markup.
  const quoted = text.split('\n').filter((l) => l.startsWith('> '));
  assert.equal(quoted.length, 1);
  assert.ok(quoted[0]!.includes('\\# Heading \\> quote - item'));
  assert.ok(text.includes('· \\*Bad\\*\\_\\[x\\]'), 'a hostile reason is escaped too');
  assert.deepEqual(body.at.atMobiles, []);
  assert.equal(body.at.isAtAll, false);
});

test('escapeMarkdown escapes a leading list marker; truncation keeps surrogate pairs whole', () => {
  assert.equal(escapeMarkdown('- a'), '\\- a');
  assert.equal(escapeMarkdown('1. a'), '1\\. a');
  assert.equal(truncateChars('😀😀😀😀', 3), '😀😀…');
  const cut = safeMarkdown('错'.repeat(5000), 200);
  assert.equal(Array.from(cut).length, 200);
  assert.ok(cut.endsWith('…'));
  assert.ok(!/[\uD800-\uDFFF]$/.test(cut.slice(0, -1)));
});

test('the body stays under maxBodyBytes: most important incidents listed, then "+N more" with a replay hint', () => {
  const incidents = Array.from({ length: 400 }, (_, k) =>
    incident({
      object: { kind: 'Pod', name: `pod-${String(k).padStart(3, '0')}-${'x'.repeat(40)}` },
      count: k,
      status: k % 2 ? 'ongoing' : 'new',
      message: '失败'.repeat(150),
    }),
  );
  const n = renderDingtalk('oncall', digest(incidents), zhMarkdown);
  assert.ok(n.bytes <= 20_000, `${n.bytes} bytes`);
  assert.equal(n.bytes, Buffer.byteLength(JSON.stringify(n.body)));
  assert.ok(n.truncated > 0 && n.truncated < 400);
  const text = (n.body as unknown as Md).markdown.text;
  const listed = text.split('\n').filter((l) => /^\d+\. /.test(l));
  assert.equal(listed.length + n.truncated, 400);
  assert.match(listed[0]!, /pod-398-/, 'new incident with the highest count first');
  assert.ok(!listed.slice(0, 200).some((l) => l.includes('**持续**')) || listed.length > 200);
  assert.ok(
    text.includes(
      `> 另有 ${n.truncated} 个问题未列出（消息长度上限），完整列表：kube-herald replay --from 2025-03-01T02:00:00Z --cluster prod-hz --namespace payments --dry-run`,
    ),
  );
  assert.ok(text.endsWith('@13800000001'), 'mentions survive truncation');
  assert.equal(n.incidentKeys.length, 400, 'every incident is accounted, listed or not');
  // A smaller limit lists fewer.
  const small = renderDingtalk('oncall', digest(incidents), { ...zhMarkdown, maxBodyBytes: 5000 });
  assert.ok(small.bytes <= 5000 && small.truncated > n.truncated);
});

test('keywords are added to the visible text only when missing', () => {
  const withKw = renderDingtalk('oncall', digest([incident()]), { ...zhMarkdown, keywords: ['K8s', 'kube'] });
  assert.ok((withKw.body as unknown as Md).markdown.text.endsWith('\n\nK8s'));
  const present = renderDingtalk('oncall', digest([incident()]), { ...zhMarkdown, keywords: ['BackOff'] });
  assert.ok(!(present.body as unknown as Md).markdown.text.endsWith('BackOff'));
  assert.equal((present.body as unknown as Md).markdown.text.split('BackOff').length - 1, 1);
});

test('actionCard and user templates', () => {
  const n = renderDingtalk('oncall', digest([incident()]), {
    ...zhMarkdown,
    msgType: 'actionCard',
    actionCard: { title: '打开看板', url: 'https://grafana.example.com/d/kube-herald' },
    template: {
      title: 'K8s {{cluster}} {{ reason }}',
      text: '## {{reasonText}} ×{{count}}\n{{message}}\n{{unknown}}end',
    },
  });
  const body = n.body as unknown as {
    msgtype: string;
    actionCard: { title: string; text: string; singleTitle: string; singleURL: string };
    at?: unknown;
  };
  assert.equal(body.msgtype, 'actionCard');
  // DingTalk rejects an actionCard without a button.
  assert.equal(body.actionCard.singleTitle, '打开看板');
  assert.equal(body.actionCard.singleURL, 'https://grafana.example.com/d/kube-herald');
  assert.equal(body.actionCard.title, 'K8s prod-hz BackOff');
  assert.equal(
    body.actionCard.text,
    '## Pod 反复重启 (BackOff) ×57\nBack-off restarting failed container api in pod payments-api-7d9f8-x2kq\nend',
  );
  assert.equal(body.at, undefined);
  assert.equal(fillTemplate('{{a}}-{{ b }}-{{constructor}}', { a: '1', b: '2' }), '1-2-');
});
