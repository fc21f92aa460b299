import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { MARKDOWN_RENDERER_JS } from '@kube-herald/dingtalk-standin';

interface At {
  atMobiles?: string[];
  atUserIds?: string[];
  isAtAll?: boolean;
}
const { renderMarkdown, renderText } = vm.runInNewContext(
  `${MARKDOWN_RENDERER_JS};({ renderMarkdown, renderText })`,
) as {
  renderMarkdown: (src: string, at?: At) => string;
  renderText: (src: string, at?: At) => string;
};

test('renders the DingTalk subset', () => {
  assert.equal(renderMarkdown('#### 【告警】prod-hz'), '<h4>【告警】prod-hz</h4>');
  assert.equal(
    renderMarkdown('- **对象**: Pod\n- *斜体*'),
    '<ul><li><strong>对象</strong>: Pod</li><li><em>斜体</em></li></ul>',
  );
  assert.equal(renderMarkdown('1. one\n2. two'), '<ol><li>one</li><li>two</li></ol>');
  assert.equal(renderMarkdown('> Back-off'), '<blockquote>Back-off</blockquote>');
  assert.equal(renderMarkdown('a\nb\n\nc'), '<p>a<br>b</p><p>c</p>');
  assert.equal(
    renderMarkdown('[replay](https://x.test/a?b=1&c=2)'),
    '<p><a href="https://x.test/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">replay</a></p>',
  );
  assert.equal(
    renderMarkdown('![pic](https://x.test/p.png)'),
    '<p><img alt="pic" src="https://x.test/p.png"></p>',
  );
});

test('escapes HTML and refuses dangerous URLs', () => {
  assert.equal(renderMarkdown('<img src=x onerror=alert(1)>'), '<p>&lt;img src=x onerror=alert(1)&gt;</p>');
  assert.equal(renderMarkdown('[x](javascript:alert)'), '<p>x</p>');
  assert.equal(
    renderMarkdown('[x](https://a.test/"onmouseover="y)'),
    '<p><a href="https://a.test/&quot;onmouseover=&quot;y" target="_blank" rel="noopener noreferrer">x</a></p>',
  );
  assert.equal(renderText('<b>bold</b>\nline'), '&lt;b&gt;bold&lt;/b&gt;<br>line');
});

test('backslash escapes keep markdown characters literal', () => {
  assert.equal(
    renderMarkdown('\\*not italic\\* \\# \\[x\\]'),
    '<p>&#42;not italic&#42; &#35; &#91;x&#93;</p>',
  );
  assert.equal(renderMarkdown('\\- not a list'), '<p>&#45; not a list</p>');
});

test('highlights only the mentions listed in at', () => {
  const html = renderMarkdown('@13800000001 and @13900000000', { atMobiles: ['13800000001'] });
  assert.equal(
    html,
    '<p><span class="mention" data-testid="mention">@13800000001</span> and @13900000000</p>',
  );
  assert.match(renderText('@所有人 up', { isAtAll: true }), /<span class="mention"[^>]*>@所有人<\/span>/);
  assert.equal(renderText('@所有人 up'), '@所有人 up');
  assert.match(renderText('hi @ops1', { atUserIds: ['ops1'] }), /mention.*@ops1/);
});
