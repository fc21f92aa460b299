import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import vm from 'node:vm';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import type { RecordedMessage, StandinStats } from '@kube-herald/dingtalk-standin';
import { post, text } from './helpers.js';

const standin = createDingtalkStandin({
  robots: [
    { name: 'oncall', token: 'tok-oncall', keywords: ['K8s'] },
    { name: 'infra', token: 'tok-infra' },
  ],
  ratePerMinute: 2,
});
let base = '';

interface Api {
  robots: { robots: Array<{ name: string; webhook: string }> };
  messages: { messages: RecordedMessage[] };
  stats: StandinStats & { unmatched: Record<string, number> };
  faults: { faults: unknown[]; id?: number; error?: string };
}
interface Frame {
  event: string;
  data: { text?: string; robot?: string; robots?: Array<{ name: string }>; messages?: RecordedMessage[] };
}

async function api<T = Record<string, unknown>>(
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}/_standin/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, json: (await res.json()) as T };
}

before(async () => {
  base = (await standin.start()).url;
});
after(() => standin.close());
beforeEach(() => standin.reset());

test('robots, messages and stats over HTTP', async () => {
  const robots = (await api<Api['robots']>('robots')).json.robots;
  assert.deepEqual(
    robots.map((r) => [r.name, r.webhook]),
    [
      ['oncall', standin.webhookFor('oncall')],
      ['infra', standin.webhookFor('infra')],
    ],
  );
  await post(standin.webhookFor('oncall'), text('K8s one'));
  await post(standin.webhookFor('oncall'), text('no keyword'));
  await post(standin.webhookFor('infra'), text('two'));
  await post(standin.webhookFor('infra'), text('three'));
  await post(standin.webhookFor('infra'), text('four'));
  const all = (await api<Api['messages']>('messages')).json.messages;
  assert.deepEqual(
    all.map((m) => `${m.robot}:${m.text}`),
    ['oncall:K8s one', 'infra:two', 'infra:three'],
  );
  const infra = (await api<Api['messages']>('messages?robot=infra')).json.messages;
  assert.equal(infra.length, 2);
  const later = (await api<Api['messages']>(`messages?after=${all[1]!.id}`)).json.messages;
  assert.deepEqual(
    later.map((m) => m.text),
    ['three'],
  );
  const stats = (await api<Api['stats']>('stats')).json;
  assert.equal(stats.ratePerMinute, 2);
  assert.deepEqual(stats.robots['oncall']!.answers, { '0': 1, '310000': 1 });
  assert.equal(stats.robots['infra']!.accepted, 2);
  assert.equal(stats.robots['infra']!.lastMinute, 2);
  assert.equal(stats.robots['infra']!.maxPerMinute, 2);
  assert.equal(stats.robots['infra']!.throttleAnswers, 1);
  assert.ok(stats.robots['infra']!.throttledUntil > stats.now);
});

test('faults and reset over HTTP', async () => {
  assert.equal((await api('faults', 'POST', { mode: 'bogus' })).status, 400);
  assert.equal((await api('faults', 'POST', { mode: 'reset', times: -1 })).status, 400);
  assert.equal((await api('faults', 'POST', { robot: 'ghost', mode: 'reset' })).status, 400);
  const injected = await api<Api['faults']>('faults', 'POST', {
    robot: 'infra',
    mode: 'errcode-1',
    times: 1,
  });
  assert.equal(injected.status, 200);
  assert.equal(typeof injected.json.id, 'number');
  assert.equal((await api<Api['faults']>('faults')).json.faults.length, 1);
  assert.equal((await post(standin.webhookFor('infra'), text('x'))).json.errcode, -1);
  assert.equal((await api<Api['faults']>('faults')).json.faults.length, 0);
  await api('faults', 'POST', { mode: 'http5xx' });
  assert.equal((await api('faults', 'DELETE')).status, 200);
  assert.equal((await post(standin.webhookFor('infra'), text('x'))).json.errcode, 0);
  assert.equal(standin.messages().length, 1);
  assert.equal((await api('reset', 'GET')).status, 405);
  assert.equal((await api('reset', 'POST')).status, 200);
  assert.equal(standin.messages().length, 0);
  assert.equal((await api<Api['stats']>('stats')).json.robots['infra']!.accepted, 0);
  assert.equal((await api('nope')).status, 404);
});

/** Reads SSE frames until `until` returns true for one (or the deadline passes). */
function readStream(until: (event: string, data: Frame['data']) => boolean): {
  done: Promise<Frame[]>;
  ready: Promise<void>;
} {
  const frames: Frame[] = [];
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  const done = new Promise<Frame[]>((resolve, reject) => {
    const req = request(`${base}/_standin/stream`, (res) => {
      assert.match(String(res.headers['content-type']), /^text\/event-stream/);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let at: number;
        while ((at = buf.indexOf('\n\n')) !== -1) {
          const raw = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const event = /^event: (.*)$/m.exec(raw)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(raw)?.[1];
          if (data === undefined) continue;
          frames.push({ event, data: JSON.parse(data) as Frame['data'] });
          if (event === 'snapshot') onReady();
          if (until(event, frames.at(-1)!.data)) {
            req.destroy();
            resolve(frames);
          }
        }
      });
    });
    req.on('error', (err) => (frames.length > 0 ? resolve(frames) : reject(err)));
    req.setTimeout(3_000, () => req.destroy(new Error('stream timed out')));
    req.end();
  });
  return { done, ready };
}

test('the SSE stream sends a snapshot, then each new message and stats', async () => {
  await post(standin.webhookFor('infra'), text('before'));
  const stream = readStream((event, data) => event === 'message' && data.text === 'K8s live');
  await stream.ready;
  await post(standin.webhookFor('oncall'), text('K8s live'));
  const frames = await stream.done;
  const snapshot = frames.find((f) => f.event === 'snapshot')!.data;
  assert.deepEqual(
    snapshot.robots!.map((r) => r.name),
    ['oncall', 'infra'],
  );
  assert.deepEqual(
    snapshot.messages!.map((m) => m.text),
    ['before'],
  );
  assert.ok(!JSON.stringify(snapshot).includes('tok-'), 'tokens are not streamed to the page');
  const msg = frames.at(-1)!;
  assert.equal(msg.event, 'message');
  assert.equal(msg.data.robot, 'oncall');
});

test('the live page is served with its test ids, renderer and stream', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/html/);
  const html = await res.text();
  for (const id of ['robot-panel', 'message', 'message-title', 'message-body', 'message-time']) {
    assert.ok(html.includes(`'${id}'`), id);
  }
  for (const id of ['counter-minute', 'counter-max', 'counter-throttle', 'counter-accepted']) {
    assert.ok(html.includes(`'${id}'`), id);
  }
  assert.ok(html.includes("new EventSource('/_standin/stream')"));
  assert.ok(html.includes('function renderMarkdown('));
  // The inline script must parse as JavaScript.
  const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
  assert.doesNotThrow(() => new vm.Script(script));
});
