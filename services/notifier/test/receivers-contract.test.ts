import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import { createFeishuStandin } from '@kube-herald/feishu-standin';
import { createSlackStandin } from '@kube-herald/slack-standin';
import { createWecomStandin } from '@kube-herald/wecom-standin';
import type { Receiver } from '../src/model.js';
import { createReceivers, receiverSchema } from '../src/receivers/index.js';
import type { ReceiverConfig, ReceiverSecrets } from '../src/receivers/index.js';
import { digest, incident } from './render-fixtures.js';

const TOKEN = 'tok-contract-0123456789';
const SECRET = 'SECcontract0123456789';

/** One implementation under the contract: a remote we control plus receivers pointing at it. */
interface Harness {
  start(): Promise<void>;
  /** A receiver whose remote accepts messages (secrets right). */
  good(): Receiver;
  /** A receiver the remote rejects for good (bad credentials / not found). */
  rejected(): Receiver;
  /** Messages the remote accepted. */
  delivered(): number;
  /** The next request answers with a transient failure / a throttle. */
  failNext(kind: 'transient' | 'throttle'): void;
  close(): Promise<void>;
}

function receiver(
  type: 'dingtalk' | 'webhook' | 'slack' | 'feishu' | 'wecom',
  secrets: ReceiverSecrets,
  name = 'r1',
): Receiver {
  const {
    webhook: _w,
    secret: _s,
    ...cfg
  } = receiverSchema.parse({ name, type, webhook: 'x', keywords: ['K8s'], timeoutMs: 2000 });
  const receivers: readonly ReceiverConfig[] = [cfg];
  const r = createReceivers({
    receivers,
    secrets: { receiver: () => secrets },
  }).get(name);
  assert.ok(r);
  return r;
}

/** What the four chat stand-ins have in common; only how a fault names its target differs. */
interface ChatStandin {
  start(): Promise<unknown>;
  webhookFor(name: string): string;
  messages(name: string): readonly unknown[];
  close(): Promise<void>;
}

/** A stand-in's robot/bot/channel 'oncall' behind a harness; the receivers get its webhook URL. */
function standinHarness(
  standin: ChatStandin,
  inject: (mode: 'http5xx' | 'throttle') => unknown,
  receivers: { good(url: string): Receiver; rejected(url: string): Receiver },
): Harness {
  return {
    start: async () => void (await standin.start()),
    good: () => receivers.good(standin.webhookFor('oncall')),
    rejected: () => receivers.rejected(standin.webhookFor('oncall')),
    delivered: () => standin.messages('oncall').length,
    failNext: (kind) => void inject(kind === 'transient' ? 'http5xx' : 'throttle'),
    close: () => standin.close(),
  };
}

/** The robot / bot of a signing platform, with its signing secret and keyword. */
const SIGNED_ONCALL = { name: 'oncall', token: TOKEN, secret: SECRET, keywords: ['K8s'] };

/** Receivers of a signing platform: the right secret, and a wrong one (DingTalk 310000, Feishu 19021). */
const signedReceivers = (type: 'dingtalk' | 'feishu') => ({
  good: (webhook: string) => receiver(type, { webhook, secret: SECRET }),
  rejected: (webhook: string) => receiver(type, { webhook, secret: `${SECRET}-wrong` }),
});

function dingtalkHarness(): Harness {
  const standin = createDingtalkStandin({ robots: [SIGNED_ONCALL] });
  const inject = (mode: 'http5xx' | 'throttle') => standin.faults.inject({ robot: 'oncall', mode, times: 1 });
  return standinHarness(standin, inject, signedReceivers('dingtalk'));
}

function webhookHarness(): Harness {
  let next: number | undefined;
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const authorized =
        req.headers.authorization === `Bearer ${SECRET}` && req.url === `/hook?token=${TOKEN}`;
      const status = next ?? (authorized ? 204 : 401);
      next = undefined;
      if (status === 204) bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(status).end();
    });
  });
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=${TOKEN}`;
  return {
    start: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    good: () => receiver('webhook', { webhook: url(), secret: SECRET }),
    rejected: () => receiver('webhook', { webhook: url(), secret: `${SECRET}-wrong` }),
    delivered: () => bodies.length,
    failNext: (kind) => void (next = kind === 'transient' ? 503 : 429),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function slackHarness(): Harness {
  const path = `T0CONTRACT/B0CONTRACT/${TOKEN}`;
  const standin = createSlackStandin({ channels: [{ name: 'oncall', path }] });
  return standinHarness(standin, (mode) => standin.faults.inject({ channel: 'oncall', mode, times: 1 }), {
    good: (webhook) => receiver('slack', { webhook }),
    // a revoked webhook: Slack answers 404 no_service
    rejected: (webhook) => receiver('slack', { webhook: webhook.replace(/[^/]+$/, 'revoked') }),
  });
}

function feishuHarness(): Harness {
  const standin = createFeishuStandin({ bots: [SIGNED_ONCALL] });
  const inject = (mode: 'http5xx' | 'throttle') => standin.faults.inject({ bot: 'oncall', mode, times: 1 });
  return standinHarness(standin, inject, signedReceivers('feishu'));
}

function wecomHarness(): Harness {
  const standin = createWecomStandin({ robots: [{ name: 'oncall', key: TOKEN }] });
  return standinHarness(standin, (mode) => standin.faults.inject({ robot: 'oncall', mode, times: 1 }), {
    good: (webhook) => receiver('wecom', { webhook }),
    // a robot removed from its group: WeCom answers 93000 for its key
    rejected: (webhook) => receiver('wecom', { webhook: webhook.replace(TOKEN, `${TOKEN}-removed`) }),
  });
}

async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}/robot/send?access_token=${TOKEN}&key=${TOKEN}`;
}

function assertNoSecrets(value: unknown): void {
  const text = JSON.stringify(value);
  assert.ok(!text.includes(TOKEN) && !text.includes(SECRET), `secret leaked: ${text}`);
}

for (const [type, make] of [
  ['dingtalk', dingtalkHarness],
  ['webhook', webhookHarness],
  ['slack', slackHarness],
  ['feishu', feishuHarness],
  ['wecom', wecomHarness],
] as const) {
  describe(`Receiver contract: ${type}`, () => {
    const h = make();
    before(() => h.start());
    after(() => h.close());
    const d = digest([incident(), incident({ object: { kind: 'Pod', name: 'other' }, status: 'ongoing' })]);

    test('render accounts every incident and measures the body it returns', () => {
      const n = h.good().render(d);
      assert.equal(n.receiver, 'r1');
      assert.deepEqual([...n.incidentKeys].sort(), d.incidents.map((i) => i.incidentKey).sort());
      assert.equal(n.occurrences, d.totals.occurrences);
      assert.equal(n.bytes, Buffer.byteLength(JSON.stringify(n.body)));
      assertNoSecrets(n);
    });

    test('send: ok when the remote accepts, and the message arrives', async () => {
      const r = h.good();
      const before = h.delivered();
      const out = await r.send(r.render(d));
      assert.equal(out.verdict, 'ok', JSON.stringify(out));
      assert.equal(h.delivered(), before + 1);
      assert.ok(out.durationMs >= 0);
    });

    test('send: transient failure → retry, throttle → throttle, nothing delivered', async () => {
      const r = h.good();
      const before = h.delivered();
      h.failNext('transient');
      assert.equal((await r.send(r.render(d))).verdict, 'retry');
      h.failNext('throttle');
      assert.equal((await r.send(r.render(d))).verdict, 'throttle');
      assert.equal(h.delivered(), before);
    });

    test('send: rejected credentials → permanent, with no secret in the outcome', async () => {
      const r = h.rejected();
      const out = await r.send(r.render(d));
      assert.equal(out.verdict, 'permanent', JSON.stringify(out));
      assertNoSecrets(out);
    });

    test('send: connection refused → retry, with no secret in the outcome', async () => {
      const r = receiver(type, { webhook: await refusedUrl(), secret: SECRET });
      const out = await r.send(r.render(d));
      assert.equal(out.verdict, 'retry');
      assertNoSecrets(out);
    });
  });
}
