import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { redisUrl, uniqueName } from '@kube-herald/testing';
import { AUDIT_LIMIT, createConsoleActions } from '../src/console/console-actions.js';
import { createSseHub } from '../src/console/sse-hub.js';
import type { Silence } from '../src/silences/index.js';
import type { GroupStore } from '../src/store/group-store.js';
import { log } from './pipeline-harness.js';
import { consoleMatcher, previewSilence } from '../src/console/console-actions.js';
import type { Queue } from 'bullmq';
import { parseNotifierConfig } from '../src/config.js';
import { createSnapshotter, INCIDENT_LIMIT, type IncidentView } from '../src/console/console-state.js';
import { failedDetail, maskWebhook } from '../src/console/failed-view.js';
import { createClosedTracker } from '../src/console/closed-incidents.js';
import type { GroupState, StateReader } from '../src/console/state-reader.js';
import type { DeliveryJobData } from '../src/scheduler.js';
import { createDecisionIndex } from '../src/console/decision-tail.js';
import { createGrowthTracker } from '../src/console/growth.js';

describe('console pieces', () => {
  test('the decision index keeps at most its capacity and still finds the recent lines', () => {
    const index = createDecisionIndex(1000);
    for (let i = 0; i < 10_000; i++)
      index.add({ at: i, decision: 'grouped', occurrenceId: `o${i}`, incidentKey: `k${i % 10}` });
    index.add({ at: 10_000, decision: 'sent', incidentKeys: ['k3', 'k4'], messageId: 'm1' });
    assert.ok(index.size <= 1000, `size ${index.size}`);
    assert.equal(index.byOccurrence('o5').length, 0, 'old lines are gone');
    assert.equal(index.byOccurrence('o9999')[0]?.at, 9999);
    const k3 = index.byIncident('k3');
    assert.ok(k3.length <= 101 && k3.length > 50, `k3 lines ${k3.length}`);
    assert.equal(k3.at(-1)?.decision, 'sent', 'the message that carried the incident');
  });

  test('growth is the count gained over the window, and forgotten incidents leave no samples', () => {
    const g = createGrowthTracker(60_000);
    assert.equal(g.observe('a', 5, 0), 0, 'first sight: no growth yet');
    assert.equal(g.observe('a', 9, 30_000), 4);
    assert.equal(
      g.observe('a', 12, 70_000),
      7,
      'baseline: the latest sample at/before the window start (t=0)',
    );
    assert.equal(g.observe('a', 15, 100_000), 6, 'baseline moved on to t=30 s');
    g.retain(new Set());
    assert.equal(g.observe('a', 20, 80_000), 0, 'retained nothing: starts over');
    assert.equal(g.observe('b', 10, 100_000, 80_000), 10, 'began inside the window: all of its count is new');
    assert.equal(
      g.observe('c', 10, 100_000, 10_000),
      0,
      'began before the window: first sight is the baseline',
    );
  });

  test('webhooks are masked to scheme, host and a hidden token', () => {
    const masked = maskWebhook('https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789');
    assert.equal(masked, 'https://oapi.dingtalk.com/…?access_token=***');
    assert.equal(
      maskWebhook('https://hooks.example.com/services/T000/B000/XXXXSECRET'),
      'https://hooks.example.com/…',
    );
    assert.equal(maskWebhook('not a url with secret'), '***');
  });

  test('failed reasons give the errcode, the code and the operator hint', () => {
    const sign = failedDetail('permanent errcode=310000 code=security_sign');
    assert.deepEqual([sign.errcode, sign.code], ['310000', 'security_sign']);
    assert.match(sign.hint, /signing secret/);
    assert.match(failedDetail('permanent errcode=300001 code=token_invalid').hint, /webhook/);
    assert.equal(failedDetail('transient delivery failure: system_busy').code, 'system_busy');
  });

  test('silence matchers use the route syntax (key=regex is a full match) and preview open incidents', () => {
    assert.deepEqual(consoleMatcher('reason=Back.*'), { field: 'reason', op: '=~', value: 'Back.*' });
    assert.deepEqual(consoleMatcher('namespace!=kube-system'), {
      field: 'namespace',
      op: '!=',
      value: 'kube-system',
    });
    assert.throws(() => consoleMatcher('nosuchfield=x'), /unknown field/);
    const inc = (namespace: string, reason: string, owner: string): IncidentView => ({
      incidentKey: `c/${namespace}/Pod/p/${reason}`,
      cluster: 'prod-hz',
      clusterName: '杭州生产',
      namespace,
      kind: 'Pod',
      name: 'p',
      reason,
      type: 'Warning',
      message: '',
      owner,
      receivers: ['oncall'],
      groupKeys: [],
      count: 1,
      firstSeenMs: 0,
      lastSeenMs: 0,
      pending: 0,
      sent: true,
      growth: 0,
      state: 'active',
    });
    const open = [
      inc('payments', 'BackOff', 'Deployment/api'),
      inc('orders', 'BackOff', ''),
      inc('payments', 'Unhealthy', ''),
    ];
    const p = previewSilence(['namespace=payments', 'reason=Back'], open);
    assert.equal(p.incidents.length, 0, 'Back is a full match: it does not match BackOff');
    assert.equal(previewSilence(['reason=Back.*', 'owner=Deployment/api'], open).incidents.length, 1);
  });

  test('incidents are active, quiet (no event for quietAfter) or resolved (notified, then silent for resolveAfter)', async () => {
    const now = 10_000_000;
    const config = parseNotifierConfig({
      kafka: { brokers: ['127.0.0.1:9'] },
      redis: { url: 'redis://127.0.0.1:9' },
      receivers: [
        { name: 'oncall', type: 'dingtalk', webhook: 'https://x.example/robot/send?access_token=t0k3n' },
      ],
      route: { receiver: 'oncall' },
      console: { quietAfter: '10m' },
    });
    const inc = (key: string, lastSeenMs: number, sent: boolean, pending: number) => ({
      incidentKey: key,
      summary: JSON.stringify({ reason: 'BackOff', cluster: { id: 'c', name: 'c' }, namespace: 'ns' }),
      count: 3,
      firstSeenMs: 0,
      lastSeenMs,
      pending,
      sent,
    });
    const group: GroupState = {
      gid: 'g1',
      receiver: 'oncall',
      groupKey: 'oncall|ns',
      route: 'root',
      labels: {},
      groupWaitMs: 0,
      groupIntervalMs: 0,
      repeatIntervalMs: 0,
      newIncidents: 0,
      pending: 0,
      lastSentMs: 0,
      lastActivityMs: 0,
      nextCheckMs: now,
      incidents: [
        inc('active', now - 1000, true, 0),
        inc('quiet', now - 11 * 60_000, false, 1),
        inc('resolved', now - 20 * 60_000, true, 0),
      ],
    };
    const reader: StateReader = {
      groups: () => Promise.resolve([group]),
      groupCount: () => Promise.resolve(1),
      gate: () => Promise.resolve({ used: 18, oldestFreesInMs: 5000, blockedForMs: 0, throttleLevel: -1 }),
      readyCount: () => Promise.resolve(2),
    };
    const queue = {
      getDelayed: () => Promise.resolve([{ data: { receiver: 'oncall' } }]),
      getJobCounts: () => Promise.resolve({ waiting: 0, delayed: 1 }),
      getFailed: () => Promise.resolve([]),
    } as unknown as Queue<DeliveryJobData>;
    const snap = await createSnapshotter({
      config,
      reader,
      queue,
      silences: { list: () => Promise.resolve([]) },
      resolveAfter: () => 15 * 60_000,
      now: () => now,
    }).snapshot();
    const state = Object.fromEntries(snap.incidents.map((i) => [i.incidentKey, i.state]));
    assert.deepEqual(state, { active: 'active', quiet: 'quiet', resolved: 'resolved' });
    const robot = snap.robots[0]!;
    assert.deepEqual(
      [robot.used, robot.limit, robot.nextSlotInMs, robot.readyGroups, robot.delayedJobs],
      [18, 18, 5000, 2, 1],
    );
    assert.ok(!JSON.stringify(snap).includes('t0k3n'), 'no token in the snapshot');
    assert.equal(snap.incidentsOpen, 3);

    // a storm: the page gets the INCIDENT_LIMIT most recent open incidents and the total
    const many: GroupState = {
      ...group,
      incidents: Array.from({ length: INCIDENT_LIMIT + 500 }, (_, i) => inc(`k${i}`, now - i, true, 1)),
    };
    const storm = await createSnapshotter({
      config,
      reader: { ...reader, groups: () => Promise.resolve([many]) },
      queue,
      silences: { list: () => Promise.resolve([]) },
      now: () => now,
    }).snapshot();
    assert.equal(storm.incidentsOpen, INCIDENT_LIMIT + 500);
    assert.equal(storm.incidents.length, INCIDENT_LIMIT);
    assert.equal(storm.incidents[0]?.incidentKey, 'k0', 'most recent first');
  });

  test('the admin token is a secret: not in the config object, at least 16 characters', () => {
    const doc = (console: Record<string, unknown>) => ({
      kafka: { brokers: ['127.0.0.1:9'] },
      redis: { url: 'redis://127.0.0.1:9' },
      receivers: [
        { name: 'oncall', type: 'dingtalk', webhook: 'https://x.example/robot/send?access_token=t' },
      ],
      route: { receiver: 'oncall' },
      console,
    });
    const config = parseNotifierConfig(doc({ enabled: true, adminToken: '${KH_CONSOLE_TOKEN}' }), {
      KH_CONSOLE_TOKEN: 'env-token-0123456789abcdef',
    });
    assert.equal(config.secrets.consoleAdminToken, 'env-token-0123456789abcdef');
    assert.ok(!JSON.stringify(config).includes('env-token'), 'the token is not in the config JSON');
    assert.equal(config.console.host, '127.0.0.1', 'binds to 127.0.0.1 by default');
    assert.equal(parseNotifierConfig(doc({})).console.enabled, false, 'off by default');
    assert.throws(() => parseNotifierConfig(doc({ adminToken: 'short' })), /console\.adminToken/);
  });

  test('the live stream serves at most maxClients pages at once', async () => {
    const hub = createSseHub({
      snapshot: () => Promise.resolve({ ok: 1 }),
      periodMs: 10_000,
      log,
      maxClients: 2,
    });
    const server = createServer((req, res) => hub.add(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const aborts = [new AbortController(), new AbortController()];
    try {
      const open = await Promise.all(aborts.map((a) => fetch(url, { signal: a.signal })));
      assert.deepEqual(
        open.map((r) => r.status),
        [200, 200],
      );
      const first = await open[0]!.body!.getReader().read();
      assert.match(new TextDecoder().decode(first.value as Uint8Array), /retry: 2000|event: snapshot/);
      assert.equal((await fetch(url)).status, 503, 'a third page is refused');
      assert.equal(hub.clients, 2);
    } finally {
      aborts.forEach((a) => a.abort());
      hub.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('the audit trail keeps the newest AUDIT_LIMIT actions, with who and from where', async () => {
    const redis = new Redis(redisUrl());
    const prefix = uniqueName('khaudit');
    const silence = { id: 's1' } as Silence;
    const actions = createConsoleActions({
      redis,
      prefix,
      silences: { add: () => Promise.resolve(silence), expire: () => Promise.resolve(silence) },
      queue: {} as Queue<DeliveryJobData>,
      store: {} as GroupStore,
      log,
    });
    try {
      for (let i = 0; i < AUDIT_LIMIT + 20; i++)
        await actions.expireSilence({ by: `op${i}`, remote: '127.0.0.1' }, 's1');
      assert.equal(await redis.llen(`${prefix}:console:audit`), AUDIT_LIMIT);
      const [newest] = await actions.audit(1);
      assert.deepEqual(
        [newest?.by, newest?.action, newest?.remote],
        [`op${AUDIT_LIMIT + 19}`, 'silence.expire', '127.0.0.1'],
      );
    } finally {
      await redis.del(`${prefix}:console:audit`);
      await redis.quit();
    }
  });

  test('incidents that leave the live state are kept as resolved for an hour, at most max of them', () => {
    const closed = createClosedTracker(3_600_000, 2);
    const view = (key: string): IncidentView =>
      ({ incidentKey: key, state: 'active', growth: 3, pending: 1 }) as unknown as IncidentView;
    assert.deepEqual(closed.update([view('a'), view('b'), view('c')], 0), []);
    const gone = closed.update([view('c')], 1000);
    assert.deepEqual(
      gone.map((i) => [i.incidentKey, i.state, i.closedAtMs, i.growth]),
      [
        ['b', 'resolved', 1000, 0],
        ['a', 'resolved', 1000, 0],
      ],
    );
    assert.deepEqual(
      closed.update([], 2000).map((i) => i.incidentKey),
      ['c', 'b'],
      'at most 2: the oldest closed is forgotten',
    );
    assert.deepEqual(
      closed.update([view('b')], 3000).map((i) => i.incidentKey),
      ['c'],
      'b is open again',
    );
    assert.deepEqual(closed.update([view('b')], 2000 + 3_600_001), [], 'forgotten after an hour');
  });
});
