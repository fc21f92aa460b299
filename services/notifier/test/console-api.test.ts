import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { occurrenceId, type EventV1 } from '@kube-herald/events';
import { kafkaBrokers, redisUrl, uniqueName } from '@kube-herald/testing';
import { parseNotifierConfig, type NotifierConfig } from '../src/config.js';
import { createConsole, type OperatorConsole } from '../src/console/index.js';
import { createSilenceStore, type SilenceStore } from '../src/silences/index.js';
import { createRegistry, type Registry } from '@kube-herald/observability';
import {
  createHarness,
  log,
  metricValue,
  testRoute,
  until,
  warning,
  type Harness,
} from './pipeline-harness.js';

const TOKEN = 'console-admin-token-0123456789';
const SECRET = 'SECconsole0123456789abcdef';
const route = testRoute({ routes: [{ drop: { type: 'Normal' } }] });

interface Snap {
  incidents: { incidentKey: string; count: number; receivers: string[]; sent: boolean }[];
  robots: { name: string; webhook: string; limit: number; used: number }[];
  failed: { id: string; code: string; hint: string }[];
  silences: { id: string; createdBy: string }[];
  groups: { groupKey: string; nextCheckMs: number }[];
}

function normal(e: EventV1, n: number): EventV1 {
  return {
    ...e,
    type: 'Normal',
    reason: 'Pulled',
    occurrenceId: occurrenceId({ clusterId: e.cluster.id, eventUid: `normal-${e.event.uid}`, count: n }),
  };
}

describe('operator console API (real Kafka, Redis, DingTalk stand-in)', () => {
  let h: Harness;
  let silences: SilenceStore;
  let redis: Redis;
  let console_: OperatorConsole;
  let registry: Registry;
  let base = '';
  const bodies: string[] = [];
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`);
    const text = await res.text();
    bodies.push(text);
    assert.equal(res.status, 200, `${path}: ${text}`);
    return JSON.parse(text) as T;
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
  };
  const admin = { authorization: `Bearer ${TOKEN}` };

  before(async () => {
    const decisions = uniqueName('kh-decisions');
    h = await createHarness({
      robots: [{ name: 'oncall', secret: SECRET }],
      route,
      delivery: { attempts: 1 },
      decisionLogTopic: decisions,
    });
    redis = new Redis(redisUrl());
    silences = createSilenceStore({ redis, prefix: h.config.redis.prefix, refreshMs: 200 });
    await silences.start();
    const config: NotifierConfig = parseNotifierConfig({
      kafka: { brokers: kafkaBrokers(), topic: h.topic, groupId: h.config.kafka.groupId },
      redis: { url: redisUrl(), prefix: h.config.redis.prefix },
      receivers: [
        {
          name: 'oncall',
          type: 'dingtalk',
          webhook: h.standin.webhookFor('oncall'),
          insecureHttp: true,
          secret: SECRET,
        },
      ],
      route,
      decisionLog: { topic: decisions },
      console: { enabled: true, port: 0, adminToken: TOKEN, refresh: '300ms' },
    });
    await h.instance({ silences });
    registry = createRegistry('notifier', false);
    console_ = createConsole({
      config,
      redis,
      silences,
      log,
      registry,
      kafka: { brokers: kafkaBrokers(), clientId: uniqueName('kh-console'), log },
    });
    base = (await console_.start()).url;
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/, 'binds to 127.0.0.1 by default');
  });

  after(async () => {
    await console_?.close();
    await silences?.close();
    await redis?.quit();
    await h?.close();
  });

  test('incidents appear and grow; the robot and its budget are shown with the webhook masked', async () => {
    await h.publish([1, 2, 3].map((n) => warning({ ns: 'payments', name: 'api-1' }, n)));
    const key = warning({ ns: 'payments', name: 'api-1' }, 1).incidentKey;
    await until(
      async () =>
        (await get<Snap>('/api/snapshot')).incidents.some((i) => i.incidentKey === key && i.count === 3),
      30_000,
      'the incident with count 3',
    );
    await h.publish([4, 5, 6, 7].map((n) => warning({ ns: 'payments', name: 'api-1' }, n)));
    await until(
      async () =>
        (await get<Snap>('/api/snapshot')).incidents.some((i) => i.incidentKey === key && i.count === 7),
      30_000,
      'the incident grown to 7',
    );
    await until(() => h.standin.messages('oncall').length >= 1, 30_000, 'a message');
    const snap = await get<Snap>('/api/snapshot');
    const robot = snap.robots.find((r) => r.name === 'oncall')!;
    assert.equal(robot.limit, 18);
    assert.match(robot.webhook, /access_token=\*\*\*$/);
    assert.ok(robot.used >= 1, 'the sent message used the budget');
  });

  test('actions need the admin token, the console origin and JSON; every action is audited with who', async () => {
    const input = { matchers: ['namespace=orders'], for: '1h', comment: 'maintenance', by: 'alice' };
    assert.equal((await post('/api/silences', input)).status, 401, 'no token');
    assert.equal((await post('/api/silences', input, { authorization: 'Bearer wrong' })).status, 401);
    const cross = await post('/api/silences', input, { ...admin, origin: 'http://evil.example' });
    assert.equal(cross.status, 403, 'cross-origin');
    const form = await fetch(`${base}/api/silences`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'matchers=namespace%3Dorders',
    });
    assert.equal(form.status, 400, 'a form post is not an action');
    assert.equal((await silences.list()).length, 0, 'nothing was created by the refused requests');
    const refusals = (status: string) =>
      metricValue(registry, 'kube_herald_console_requests_total', { route: 'POST /api/silences', status });
    assert.equal(await refusals('401'), 2, 'refused actions are counted');
    assert.equal(await refusals('403'), 1);
    assert.equal(await refusals('400'), 1);

    const preview = await post('/api/silences/preview', {
      matchers: ['namespace=payments', 'reason=Back.*'],
    });
    assert.equal((preview.json.incidents as unknown[]).length, 1, 'the preview lists the open incident');
    const ok = await post('/api/silences', { ...input, matchers: ['namespace=payments'] }, admin);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    const id = (ok.json.silence as { id: string }).id;
    const stored = await silences.list();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.createdBy, 'alice');
    const audit = await get<{ entries: { by: string; action: string; target: string }[] }>('/api/audit');
    assert.equal(audit.entries[0]?.by, 'alice');
    assert.equal(audit.entries[0]?.action, 'silence.create');
    assert.ok(audit.entries[0]?.target.startsWith(id));
  });

  test('why: a dropped, a silenced and a sent event', async () => {
    const sent = warning({ ns: 'payments', name: 'api-1' }, 2);
    await until(
      async () => (await post('/api/why', { event: JSON.stringify(sent) })).json.kind === 'sent',
      30_000,
      'the sent event explained as sent',
    );
    const answer = (await post('/api/why', { event: sent })).json;
    assert.match(String(answer.verdict), /grouped into oncall\|.*sent in message oncall\./);

    const dropped = normal(warning({ ns: 'web', name: 'web-1' }, 1), 1);
    await h.publish([dropped]);
    await until(
      async () => (await post('/api/why', { occurrenceId: dropped.occurrenceId })).json.kind === 'dropped',
      30_000,
      'the Normal event explained as dropped',
    );
    const d = (await post('/api/why', { occurrenceId: dropped.occurrenceId })).json;
    assert.match(String(d.verdict), /dropped by route root\.routes\[0\]/);

    const silenced = warning({ ns: 'payments', name: 'api-2' }, 1);
    await h.publish([silenced]);
    await until(
      async () => {
        const a = (await post('/api/why', { event: silenced })).json;
        return a.kind === 'silenced' && (a.history as unknown[]).length > 0;
      },
      30_000,
      'the event in the silenced namespace explained as silenced (from the decision log)',
    );
    const s = (await post('/api/why', { event: silenced })).json;
    const id = (await silences.list())[0]!.id;
    assert.equal(String(s.verdict), `silenced by silence ${id}`);
    assert.equal((await post('/api/why', { event: '{"nope":1}' })).status, 400);
  });

  test('a failed delivery is listed with its code and hint, and a retry from the console arrives', async () => {
    const id = (await silences.list())[0]!.id;
    const ex = await post('/api/silences/expire', { id, by: 'alice' }, admin);
    assert.equal(ex.status, 200);
    await until(async () => (await silences.list()).length === 0, 5000, 'the silence expired');
    h.standin.faults.inject({ robot: 'oncall', mode: 'errcode-1', times: 1 });
    const before = h.standin.messages('oncall').length;
    await h.publish([warning({ ns: 'orders', name: 'orders-1', reason: 'OOMKilling' }, 1)]);
    let failedId = '';
    await until(
      async () => {
        const f = (await get<Snap>('/api/snapshot')).failed;
        failedId = f[0]?.id ?? '';
        return f.length === 1;
      },
      30_000,
      'the failed delivery',
    );
    const failed = (await get<Snap>('/api/snapshot')).failed[0]!;
    assert.equal(failed.code, 'system_busy');
    assert.match(failed.hint, /retry/);
    assert.equal((await post('/api/failed/retry', { ids: [failedId], by: 'bob' })).status, 401);
    const r = await post('/api/failed/retry', { ids: [failedId], by: 'bob' }, admin);
    assert.deepEqual(r.json.retried, [failedId]);
    await until(() => h.standin.messages('oncall').length > before, 30_000, 'the retried message');
    assert.match(h.standin.messages('oncall').at(-1)!.text, /OOMKilling|orders/);

    // two more fail; "retry all" puts both back
    await until(async () => (await get<Snap>('/api/snapshot')).failed.length === 0, 10_000, 'nothing failed');
    h.standin.faults.inject({ robot: 'oncall', mode: 'errcode-1', times: 2 });
    await h.publish([
      warning({ ns: 'billing', name: 'billing-1', reason: 'FailedMount' }, 1),
      warning({ ns: 'search', name: 'search-1', reason: 'Unhealthy' }, 1),
    ]);
    await until(async () => (await get<Snap>('/api/snapshot')).failed.length === 2, 30_000, 'two failed');
    const all = await post('/api/failed/retry', { all: true, by: 'bob' }, admin);
    assert.equal((all.json.retried as string[]).length, 2);
    await until(
      () =>
        ['billing-1', 'search-1'].every((n) => h.standin.messages('oncall').some((m) => m.text.includes(n))),
      30_000,
      'both retried messages',
    );
  });

  test('bound to 127.0.0.1, it answers only requests addressed to a loopback name (DNS rebinding)', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${base}/api/snapshot`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    const port = new URL(base).port;
    assert.equal(await status(`evil.example:${port}`), 421);
    assert.equal(await status(`localhost:${port}`), 200);
    assert.equal(await status(`127.0.0.1:${port}`), 200);
  });

  test('no secret in any page or API answer', async () => {
    for (const path of ['/', '/?lang=en', '/console.js', '/console.css', '/api/snapshot', '/api/audit']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      bodies.push(await res.text());
    }
    const token = new URL(h.standin.webhookFor('oncall')).searchParams.get('access_token')!;
    for (const b of bodies) {
      for (const secret of [TOKEN, SECRET, token])
        assert.ok(!b.includes(secret), `a secret in ${b.slice(0, 200)}`);
    }
  });
});
