import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { BusRecord, Publisher } from '@kube-herald/bus';
import { EVENT_HEADERS, encodeEvent } from '@kube-herald/events';
import { createRegistry } from '@kube-herald/observability';
import { redisUrl, uniqueName } from '@kube-herald/testing';
import { createDecisionEngine } from '../src/pipeline/decision-engine.js';
import { createGroupStore } from '../src/store/group-store.js';
import { compileRoutes, routeSchema, routeEvent } from '../src/routing/index.js';
import { createDecisionLog } from '../src/decision-log.js';
import { createIngest } from '../src/ingest.js';
import { createNotifierMetrics } from '../src/metrics.js';
import { captureLog } from './log-capture.js';
import { metricValue, warning } from './pipeline-harness.js';

const tree = compileRoutes(routeSchema.parse({ receiver: 'oncall', groupBy: ['namespace'] }));

test('decision log: a failing Kafka mirror never fails ingestion (no redelivery logged as deduped); warned and counted', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniqueName('kht-dlog');
  const captured = captureLog();
  const { log } = captured;
  const published: string[] = [];
  const publisher: Pick<Publisher, 'publish'> = {
    publish: (topic) => {
      published.push(topic);
      return Promise.reject(new Error('broker unavailable'));
    },
  };
  try {
    const registry = createRegistry('notifier', false);
    const metrics = createNotifierMetrics(registry);
    const store = createGroupStore({ redis, prefix: `${prefix}:n`, dedupTtlMs: 3_600_000 });
    const engine = createDecisionEngine({ route: (e) => routeEvent(tree, e, { explain: false }), store });
    const decisionLog = createDecisionLog({ log, publisher, topic: 'decisions', errors: metrics.errors });
    const ingest = createIngest({ engine, publisher, dlqTopic: 'dlq', decisionLog, metrics, log });
    const records: BusRecord[] = Array.from({ length: 5 }, (_, i) => ({
      topic: 't',
      partition: 0,
      offset: String(i),
      key: null,
      value: Buffer.from(encodeEvent(warning({ ns: 'payments', name: `api-${i}` }, 1))),
      headers: { ...EVENT_HEADERS },
      timestamp: 0,
    }));
    await ingest(records, { topic: 't', partition: 0 }); // resolves: the offset would be committed
    await decisionLog.flush();
    assert.deepEqual(published, ['decisions']);
    assert.equal(
      await metricValue(registry, 'kube_herald_notifier_errors_total', { component: 'decision-log' }),
      1,
    );
    assert.equal(await metricValue(registry, 'kube_herald_notifier_grouped_total'), 5);
    assert.equal(await metricValue(registry, 'kube_herald_notifier_deduped_total'), 0);
    const decisions = captured.lines().filter((l) => l['component'] === 'decision');
    assert.equal(decisions.filter((l) => l['decision'] === 'grouped').length, 5, 'every event still logged');
    assert.equal(decisions.filter((l) => l['decision'] === 'deduped').length, 0);
    const warn = decisions.find((l) => l['msg'] === 'decision log mirror failed; lines not mirrored');
    assert.ok(warn, 'warned');
    assert.equal(warn['level'], 40);
    assert.equal(warn['lines'], 5);
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
});

test('decision log: close does not wait for a mirror that hangs (Kafka down); the lines are reported', async () => {
  const registry = createRegistry('notifier', false);
  const metrics = createNotifierMetrics(registry);
  const captured = captureLog();
  const { log } = captured;
  const never: Pick<Publisher, 'publish'> = { publish: () => new Promise<void>(() => undefined) };
  const decisionLog = createDecisionLog({
    log,
    publisher: never,
    topic: 'decisions',
    errors: metrics.errors,
  });
  await decisionLog.events([{ kind: 'unrouted', occurrenceId: 'o1', incidentKey: 'i1' }]);
  const started = Date.now();
  await decisionLog.flush(200);
  assert.ok(Date.now() - started < 2000);
  assert.equal(
    await metricValue(registry, 'kube_herald_notifier_errors_total', { component: 'decision-log' }),
    1,
  );
  assert.match(captured.text(), /decision log mirror still publishing at close/);
});

test('decision log: past maxPendingLines lines are only logged; each skipped batch counted, one warning', async () => {
  const registry = createRegistry('notifier', false);
  const metrics = createNotifierMetrics(registry);
  const captured = captureLog();
  const { log } = captured;
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const publisher: Pick<Publisher, 'publish'> = { publish: () => held };
  const decisionLog = createDecisionLog({
    log,
    publisher,
    topic: 'd',
    errors: metrics.errors,
    maxPendingLines: 2,
  });
  const d = (n: number) => ({ kind: 'unrouted' as const, occurrenceId: `o${n}`, incidentKey: 'i' });
  await decisionLog.events([d(1), d(2)]);
  await decisionLog.events([d(3)]);
  await decisionLog.events([d(4)]);
  assert.equal(
    await metricValue(registry, 'kube_herald_notifier_errors_total', { component: 'decision-log' }),
    2,
  );
  const text = captured.text();
  assert.equal(text.match(/decision log mirror behind/g)?.length, 1);
  assert.equal(text.match(/"decision":"unrouted"/g)?.length, 4, 'every line still logged');
  release();
  await decisionLog.flush(1000);
});
