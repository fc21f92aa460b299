import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaSubscriber, type BusRecord } from '@kube-herald/bus';
import { kafkaBrokers, uniqueName } from '@kube-herald/testing';
import { listFailed, retryFailed } from '../src/failed.js';
import { createHarness, log, metricValue, until, warning } from './pipeline-harness.js';

const route = {
  receiver: 'oncall',
  groupBy: ['cluster', 'namespace'],
  groupWait: '200ms',
  groupInterval: '1s',
  repeatInterval: '2s',
};
const SECRET = 'SECfaults0123456789abcdef';

test('throttle and 5xx answers are retried and end delivered; nothing is lost', async () => {
  const h = await createHarness({ robots: [{ name: 'oncall', secret: SECRET }], route });
  try {
    h.standin.faults.inject({ robot: 'oncall', mode: 'throttle', times: 1 });
    h.standin.faults.inject({ robot: 'oncall', mode: 'http5xx', times: 2 });
    const a = await h.instance({ throttleBackoffMs: 1000 });
    await h.publish(
      Array.from({ length: 10 }, (_, i) => warning({ ns: 'orders', name: `w-${i % 2}` }, i + 1)),
    );
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_events_notified_total')) === 10,
      30_000,
      'delivered',
    );
    assert.equal(h.standin.messages('oncall').length, 1);
    assert.equal(
      await metricValue(a.registry, 'kube_herald_notifier_throttled_total', { receiver: 'oncall' }),
      1,
    );
    const attempts = (verdict: string) =>
      metricValue(a.registry, 'kube_herald_notifier_delivery_attempts_total', { verdict });
    assert.equal(await attempts('throttle'), 1);
    assert.equal(await attempts('retry'), 2);
    assert.equal(await attempts('ok'), 1);
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_failed_total'), 0);
    assert.equal((await listFailed(a.notifier.queue)).length, 0);
  } finally {
    await h.close();
  }
});

test('a permanent errcode ends in the failed set after one try; failed retry puts the events back', async () => {
  const h = await createHarness({
    robots: [{ name: 'oncall', secret: SECRET, configSecret: 'SECwrong0123456789' }],
    route,
  });
  try {
    const a = await h.instance();
    await h.publish(Array.from({ length: 5 }, (_, i) => warning({ ns: 'orders', name: 'w-0' }, i + 1)));
    await until(async () => (await listFailed(a.notifier.queue)).length === 1, 30_000, 'failed job');
    const [failed] = await listFailed(a.notifier.queue);
    assert.match(failed!.failedReason, /errcode=310000/);
    assert.equal(failed!.attemptsMade, 1, 'no retry of a permanent error');
    assert.equal(h.standin.stats().robots['oncall']?.answers['310000'], 1);
    assert.equal(
      await metricValue(a.registry, 'kube_herald_notifier_failed_total', {
        receiver: 'oncall',
        errcode: '310000',
      }),
      1,
    );
    assert.equal(h.standin.messages('oncall').length, 0);

    assert.deepEqual(await retryFailed(a.notifier.queue, a.notifier.store, { all: true }), [failed!.id]);
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_failed_total')) === 2,
      30_000,
      'second failure',
    );
    assert.equal(
      h.standin.stats().robots['oncall']?.answers['310000'],
      2,
      'the retried job sent the restored events again',
    );
  } finally {
    await h.close();
  }
});

test('1,000 malformed records land in the DLQ with reasons; the notifier keeps going', async () => {
  const h = await createHarness({ robots: [{ name: 'oncall' }], route });
  const dlq: BusRecord[] = [];
  const sub = createKafkaSubscriber({
    brokers: kafkaBrokers(),
    clientId: 'kh-test-dlq',
    log,
    groupId: uniqueName('kh-dlq-reader'),
    topics: [h.dlqTopic],
    fromBeginning: true,
    maxWaitTimeMs: 200,
  });
  try {
    const a = await h.instance();
    const bad = Array.from({ length: 1000 }, (_, i) =>
      i % 3 === 0
        ? `{not json ${i}`
        : i % 3 === 1
          ? JSON.stringify({ schema: 'kube-herald.event/v9', i })
          : JSON.stringify({ schema: 'kube-herald.event/v1', i }),
    );
    await h.publishRaw(bad);
    await h.publish(Array.from({ length: 4 }, (_, i) => warning({ ns: 'orders', name: 'after-bad' }, i + 1)));
    await sub.start((records) => {
      dlq.push(...records);
      return Promise.resolve();
    });
    await until(() => dlq.length === 1000, 30_000, '1,000 DLQ records');
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_events_notified_total')) === 4,
      30_000,
      'good events delivered',
    );
    const reasons = new Map<string, number>();
    for (const r of dlq)
      reasons.set(
        r.headers['x-kh-dlq-reason'] ?? '',
        (reasons.get(r.headers['x-kh-dlq-reason'] ?? '') ?? 0) + 1,
      );
    assert.deepEqual(Object.fromEntries(reasons), {
      invalid_json: 334,
      unknown_schema_version: 333,
      schema_mismatch: 333,
    });
    assert.ok(
      dlq.every(
        (r) => r.headers['x-kh-dlq-topic'] === h.topic && /^\d+$/.test(r.headers['x-kh-dlq-offset'] ?? ''),
      ),
    );
    assert.ok(dlq.every((r) => (r.headers['x-kh-dlq-detail'] ?? '').length > 0));
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_dlq_total'), 1000);
    assert.equal(
      await metricValue(a.registry, 'kube_herald_notifier_dlq_total', { reason: 'invalid_json' }),
      334,
    );
  } finally {
    await sub.close();
    await h.close();
  }
});
