// Every record is decided: no record can stall a partition (issue 12, real Kafka + Redis).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusMessage, BusRecord, Subscriber } from '@kube-herald/bus';
import { createKafkaAdmin } from '@kube-herald/bus';
import { kafkaBrokers, redisUrl, uniqueName } from '@kube-herald/testing';
import { runNotifier } from '../src/main.js';
import { checkTopics } from '../src/topics-check.js';
import { createHarness, log, metricValue, until, warning } from './pipeline-harness.js';

const route = {
  receiver: 'oncall',
  groupBy: ['cluster', 'namespace', 'reason', 'owner'],
  groupWait: '200ms',
  groupInterval: '1s',
  repeatInterval: '1h',
};
const robots = [{ name: 'oncall' }];
// recorded into their groups (what ingest decides; delivery has tests of its own)
const notified = (registry: Parameters<typeof metricValue>[0]): Promise<number> =>
  metricValue(registry, 'kube_herald_notifier_grouped_total');

function dlqTap(): { seen: BusMessage[]; tap: (topic: string, m: readonly BusMessage[]) => void } {
  const seen: BusMessage[] = [];
  return { seen, tap: (topic, m) => void (topic.endsWith('.dlq') && seen.push(...m)) };
}

test('lone surrogates in incidentKey, namespace, cluster id, reason and group-by fields are made well-formed', async () => {
  const h = await createHarness({ robots, route, partitions: 1 });
  try {
    const a = await h.instance();
    const bad = [
      { cluster: 'prod\ud800x', ns: 'orders', name: 'w-0' },
      { ns: 'ord\udc00ers', name: 'w-1' },
      { ns: 'orders', name: 'w-2', reason: 'BackOff\ud801' },
      { ns: 'orders', name: 'w-3', labels: { team: 'pay\udfff' } },
    ].map((o, i) => warning(o, i + 1));
    bad[3] = { ...bad[3]!, owners: [{ kind: 'Deployment', name: 'pay\ud83d', uid: 'dep-pay' }] };
    const lone = warning({ ns: 'orders', name: 'w-4' }, 5);
    const withKey = { ...lone, incidentKey: `${lone.incidentKey}\ud800` };
    const good = Array.from({ length: 40 }, (_, i) => warning({ ns: 'later', name: `g-${i % 4}` }, i + 1));
    await h.publish([...bad, withKey, ...good]);
    await until(async () => (await notified(a.registry)) === 45, 30_000, 'all 45 events recorded');
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_sanitized_total'), 5);
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_dlq_total'), 0);
    assert.equal(a.notifier.ready.partitions?.(), true);
  } finally {
    await h.close();
  }
});

test('a 1,000,000-byte malformed record goes to the DLQ truncated to fit; the partition moves on', async () => {
  const { seen, tap } = dlqTap();
  const h = await createHarness({ robots, route, partitions: 1, tap });
  try {
    const a = await h.instance();
    // key `bad-0` (5 bytes) + value: a record of exactly the publisher's 1,000,000-byte limit
    await h.publishRaw([Buffer.alloc(999_995, 'x')]);
    await h.publish(Array.from({ length: 10 }, (_, i) => warning({ ns: 'orders', name: 'w-0' }, i + 1)));
    await until(async () => (await notified(a.registry)) === 10, 30_000, 'the good events recorded');
    assert.equal(seen.length, 1);
    const copy = seen[0]!;
    assert.equal(copy.headers?.['x-kh-dlq-reason'], 'invalid_json');
    assert.equal(copy.headers?.['x-kh-dlq-original-bytes'], '999995');
    assert.equal(copy.headers?.['x-kh-dlq-truncated'], 'true');
    const size = Buffer.byteLength(copy.value);
    assert.ok(size < 999_995 && size > 990_000, `truncated to ${size} bytes`);
  } finally {
    await h.close();
  }
});

/** A subscriber whose handler fails as a Redis script error reply does for records matching `poison`. */
function failing(poison: (r: BusRecord) => boolean, name = 'ReplyError', msg = 'ERR bad input') {
  return (s: Subscriber): Subscriber => ({
    ...s,
    start: (handler, policy) =>
      s.start(async (records, ctx) => {
        if (records.some(poison)) throw Object.assign(new Error(msg), { name });
        await handler(records, ctx);
      }, policy),
  });
}

test('a poison record among good ones on its partition goes to the DLQ; the good ones are recorded', async () => {
  const { seen, tap } = dlqTap();
  const h = await createHarness({ robots, route, partitions: 1, tap });
  try {
    const events = Array.from({ length: 30 }, (_, i) => warning({ ns: 'orders', name: `w-${i % 3}` }, i + 1));
    const poisonId = events[12]!.occurrenceId;
    const isPoison = (r: BusRecord): boolean => r.value?.includes(poisonId) === true;
    const a = await h.instance({}, undefined, failing(isPoison));
    await h.publish(events);
    await until(async () => (await notified(a.registry)) === 29, 30_000, '29 good events recorded');
    await until(() => seen.length === 1, 10_000, 'the poison record in the DLQ');
    const headers = seen[0]!.headers ?? {};
    assert.equal(headers['x-kh-dlq-reason'], 'processing_failed');
    assert.equal(headers['x-kh-dlq-attempts'], '3');
    assert.match(headers['x-kh-dlq-detail'] ?? '', /ERR bad input/);
    assert.ok(seen[0]!.value.toString().includes(poisonId));
    assert.equal(
      await metricValue(a.registry, 'kube_herald_notifier_dlq_total', { reason: 'processing_failed' }),
      1,
    );
  } finally {
    await h.close();
  }
});

test('a partition without progress turns readiness false, warns once and counts; progress restores it', async () => {
  const h = await createHarness({ robots, route, partitions: 1, kafka: { stallTimeout: '1s' } });
  try {
    let down = true;
    // an outage (not a record error): retried, never DLQ'd
    const a = await h.instance(
      {},
      undefined,
      failing(() => down, 'Error', 'Connection is closed.'),
    );
    await h.publish([warning({ ns: 'orders', name: 'w-0' }, 1)]);
    const ready = (): true | string => a.notifier.ready.partitions!() as true | string;
    await until(() => ready() !== true, 15_000, 'readiness false');
    assert.match(String(ready()), /no progress for 1000 ms: .*\/0 at offset 0/);
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_partition_stalls_total')) === 1,
      10_000,
      'stall counted',
    );
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_stalled_partitions'), 1);
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_dlq_total'), 0);
    down = false;
    await until(() => ready() === true, 40_000, 'readiness back');
    await until(async () => (await notified(a.registry)) === 1, 30_000, 'the event recorded');
  } finally {
    await h.close();
  }
});

test('a missing DLQ topic: kube-herald notifier exits 2 naming it', async () => {
  const topic = uniqueName('kh-topics');
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'kh-test-admin', log });
  await admin.ensureTopics([{ topic, partitions: 1 }]);
  await admin.close();
  const dir = mkdtempSync(join(tmpdir(), 'kh-topics-'));
  const file = join(dir, 'notifier.yaml');
  const config = {
    kafka: { brokers: kafkaBrokers(), topic, dlqTopic: `${topic}.dlq-missing` },
    redis: { url: redisUrl(), prefix: uniqueName('kht') },
    receivers: [
      {
        name: 'oncall',
        type: 'dingtalk',
        webhook: 'http://127.0.0.1:9/robot/send?access_token=x',
        insecureHttp: true,
      },
    ],
    route: { receiver: 'oncall' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'fatal' },
  };
  writeFileSync(file, JSON.stringify(config));
  const started = Date.now();
  assert.equal(await runNotifier(['--config', file], {}), 2);
  assert.ok(Date.now() - started < 30_000);
  await assert.rejects(
    checkTopics({ brokers: kafkaBrokers(), clientId: 'kh-test', log }, [topic, `${topic}.dlq-missing`]),
    { code: 'NOTIFIER_TOPIC_MISSING', message: new RegExp(`missing: ${topic}\\.dlq-missing —`) },
  );
});
