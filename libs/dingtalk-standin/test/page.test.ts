import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import vm from 'node:vm';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import { post, text } from './helpers.js';

/** Just enough DOM for the page script: elements, attribute selectors, text, innerHTML. */
class FakeElement {
  readonly attrs = new Map<string, string>();
  children: FakeElement[] = [];
  className = '';
  innerHTML = '';
  scrollTop = 0;
  readonly scrollHeight = 100;
  private ownText = '';
  readonly classes = new Set<string>();
  readonly classList = {
    toggle: (c: string, on: boolean) => (on ? this.classes.add(c) : this.classes.delete(c)),
  };
  constructor(readonly tag: string) {}
  setAttribute(k: string, v: string): void {
    this.attrs.set(k, v);
  }
  getAttribute(k: string): string | null {
    return this.attrs.get(k) ?? null;
  }
  appendChild(c: FakeElement): FakeElement {
    this.children.push(c);
    return c;
  }
  set textContent(v: string) {
    this.children = [];
    this.ownText = v;
  }
  get textContent(): string {
    return this.ownText + this.children.map((c) => c.textContent).join('');
  }
  querySelectorAll(sel: string): FakeElement[] {
    const wanted = [...sel.matchAll(/\[([\w-]+)="([^"]*)"\]/g)].map((m) => [m[1]!, m[2]!] as const);
    const out: FakeElement[] = [];
    const walk = (e: FakeElement): void => {
      for (const c of e.children) {
        if (wanted.every(([k, v]) => c.attrs.get(k) === v)) out.push(c);
        walk(c);
      }
    };
    walk(this);
    return out;
  }
  querySelector(sel: string): FakeElement | null {
    return this.querySelectorAll(sel)[0] ?? null;
  }
}

const standin = createDingtalkStandin({
  robots: [
    { name: 'oncall', token: 'tok-1', keywords: ['K8s'] },
    { name: 'infra', token: 'tok-2' },
  ],
  ratePerMinute: 20,
});
let base = '';
before(async () => {
  base = (await standin.start()).url;
});
after(() => standin.close());

test('the page script builds robot panels, renders messages and updates counters', async () => {
  const html = await (await fetch(`${base}/`)).text();
  const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
  const root = new FakeElement('main');
  const status = new FakeElement('span');
  const handlers = new Map<string, (e: { data: string }) => void>();
  const document = {
    getElementById: (id: string) => ({ robots: root, status })[id] ?? null,
    createElement: (tag: string) => new FakeElement(tag),
    querySelector: (sel: string) => root.querySelector(sel),
  };
  class EventSource {
    constructor(readonly url: string) {
      assert.equal(url, '/_standin/stream');
    }
    addEventListener(type: string, fn: (e: { data: string }) => void): void {
      handlers.set(type, fn);
    }
  }
  vm.runInNewContext(script, { document, EventSource, CSS: { escape: (s: string) => s } });
  const fire = (type: string, data: unknown): void => handlers.get(type)!({ data: JSON.stringify(data) });

  await post(standin.webhookFor('oncall'), {
    msgtype: 'markdown',
    markdown: {
      title: '[prod-hz] BackOff',
      text: '#### 【告警】K8s <b>x</b>\n- **次数**: 57\n\n@13800000001',
    },
    at: { atMobiles: ['13800000001'] },
  });
  const robots = [
    { name: 'oncall', keywords: ['K8s'], signed: false },
    { name: 'infra', keywords: [], signed: false },
  ];
  fire('open', {});
  fire('snapshot', { robots, messages: standin.messages(), stats: standin.stats() });
  assert.equal(status.getAttribute('data-state'), 'live');
  const panels = root.querySelectorAll('[data-testid="robot-panel"]');
  assert.deepEqual(
    panels.map((p) => p.getAttribute('data-robot')),
    ['oncall', 'infra'],
  );
  const oncall = panels[0]!;
  const msgs = oncall.querySelectorAll('[data-testid="message"]');
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0]!.querySelector('[data-testid="message-title"]')!.textContent, '[prod-hz] BackOff');
  const body = msgs[0]!.querySelector('[data-testid="message-body"]')!.innerHTML;
  assert.match(body, /<h4>【告警】K8s &lt;b&gt;x&lt;\/b&gt;<\/h4>/);
  assert.match(body, /<li><strong>次数<\/strong>: 57<\/li>/);
  assert.match(body, /class="mention"[^>]*>@13800000001</);
  assert.match(msgs[0]!.querySelector('[data-testid="message-time"]')!.textContent, /^\d{2}:\d{2}:\d{2}$/);
  assert.equal(oncall.querySelector('[data-testid="counter-minute"]')!.textContent, '1');
  assert.equal(oncall.querySelector('[data-testid="counter-throttle"]')!.textContent, '0');

  // A live message and a stats update.
  await post(standin.webhookFor('infra'), { msgtype: 'text', text: { content: 'line1\nline2' } });
  fire('message', standin.messages('infra')[0]);
  standin.faults.inject({ robot: 'infra', mode: 'throttle', times: 1 });
  await post(standin.webhookFor('infra'), text('x'));
  fire('stats', standin.stats());
  const infra = panels[1]!;
  const infraMsgs = infra.querySelectorAll('[data-testid="message"]');
  assert.equal(infraMsgs.length, 1);
  assert.equal(infraMsgs[0]!.querySelector('[data-testid="message-body"]')!.innerHTML, 'line1<br>line2');
  assert.equal(infra.querySelector('[data-testid="counter-throttle"]')!.textContent, '1');
  assert.ok(infra.classes.has('throttled'));
  assert.equal(infra.querySelector('[data-testid="counter-max"]')!.textContent, '1');
});
