import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import { createRegistry } from '@kube-herald/observability';
import { redisUrl } from '@kube-herald/testing';
import { createGroupStore, type GroupStore, type RecordItem } from '../src/store/group-store.js';
import { createDeliveryWorker, deliveryJobDefaults } from '../src/delivery.js';
import { createDeliveryMetrics } from '../src/delivery-metrics.js';
import { createNotifierMetrics } from '../src/metrics.js';
import { deliveryJobId, type DeliveryJobData } from '../src/scheduler.js';
import { createDispatcher } from '../src/pipeline/dispatch.js';
import { createRateGate } from '../src/rate-gate.js';
import { createDecisionLog } from '../src/decision-log.js';
import { parseNotifierConfig } from '../src/config.js';
import { createReceivers } from '../src/receivers/index.js';
import { robotReceiver } from './notifier-kit.js';
import { log, metricValue, until } from './pipeline-harness.js';
import { withRedis } from './redis-fixture.js';
import { ordersItem } from './store-fixtures.js';

const item = (n: number, name = 'w-0'): RecordItem => ordersItem(n, { name, repeatInterval: 9e9 });

/** A group store under `<prefix>:n` of a fresh Redis prefix (dropped afterwards). */
const withStore = (fn: (store: GroupStore, redis: Redis, prefix: string) => Promise<void>) =>
  withRedis('kht-rec', (redis, prefix) =>
    fn(createGroupStore({ redis, prefix: `${prefix}:n`, dedupTtlMs: 3_600_000 }), redis, prefix),
  );

test('a job that stalls out (its worker died) gets its take restored and counted: nothing is lost', async () => {
  await withStore(async (store, redis, prefix) => {
    const bull = `${prefix}:bull`;
    const name = 'notifier-delivery';
    const queue = new Queue<DeliveryJobData>(name, {
      connection: redis,
      prefix: bull,
      defaultJobOptions: deliveryJobDefaults({ attempts: 3, backoffMs: 100 }),
    });
    const registry = createRegistry('rec', false);
    const metrics = createNotifierMetrics(registry);
    const dm = createDeliveryMetrics(registry);
    const dyingConn = redis.duplicate({ maxRetriesPerRequest: null });
    const dying = new Worker<DeliveryJobData>(name, null, {
      connection: dyingConn,
      prefix: bull,
      lockDuration: 400,
    });
    const conn = redis.duplicate({ maxRetriesPerRequest: null });
    const survivor = createDeliveryWorker({
      queue,
      connection: conn,
      prefix: bull,
      dispatcher: {
        dispatch: () => Promise.reject(new Error('the survivor never gets this job to run')),
      },
      metrics,
      log,
      sweep: { store, keys: `${prefix}:n`, metrics: dm, everyMs: 200 },
      lockDurationMs: 400,
      stalledIntervalMs: 200,
      maxStalledCount: 0,
    });
    try {
      await store.record([item(1), item(2), item(3, 'w-1')], 1000);
      const [flush] = await store.claimDue(1000, 10);
      assert.ok(flush);
      const jobId = deliveryJobId(flush);
      await queue.add(
        'deliver',
        { receiver: flush.receiver, gid: flush.gid, window: flush.window },
        { jobId },
      );
      // the dying worker takes the job and its occurrences, then its process is gone (no lock renewal)
      const job = await dying.getNextJob('dying-token');
      assert.equal(job?.id, jobId);
      const taken = await store.take(jobId, flush.receiver, flush.gid, 0, 1001);
      assert.equal(
        taken.groups[0]?.incidents.reduce((n, i) => n + i.occurrences, 0),
        3,
      );
      await dying.close(true);
      survivor.start();
      await until(
        async () => (await metricValue(registry, 'kube_herald_notifier_takes_restored_total')) === 1,
        15_000,
        'the take restored after the job stalled out',
      );
      assert.equal(await queue.getJobState(jobId), 'failed');
      assert.match((await queue.getJob(jobId))?.failedReason ?? '', /stalled/);
      assert.equal(
        await metricValue(registry, 'kube_herald_notifier_takes_restored_total', { reason: 'stalled' }),
        1,
      );
      assert.equal(await store.hasTake(jobId), false);
      const again = await store.take('next-job', flush.receiver, flush.gid, 0, 1002);
      const incs = again.groups[0]?.incidents ?? [];
      assert.equal(
        incs.reduce((n, i) => n + i.occurrences, 0),
        3,
        'every occurrence is back',
      );
      assert.ok(
        incs.every((i) => i.isNew),
        'and still new: nobody was told',
      );
    } finally {
      await survivor.close();
      await dying.close(true);
      await Promise.all([conn.quit(), dyingConn.quit()]);
      await queue.close();
    }
  });
});

test('a permanent failure resets the sent state: the next occurrences are news, not repeats nobody saw', async () => {
  await withStore(async (store) => {
    await store.record([item(1)], 1000);
    const [flush] = await store.claimDue(1000, 10);
    assert.ok(flush);
    const first = await store.take('job-1', 'oncall', flush.gid, 0, 1001);
    assert.equal(first.groups[0]?.incidents[0]?.isNew, true);
    assert.equal(await store.park('job-1', 60_000), true);
    await store.record([item(2)], 1002);
    const next = await store.take('job-2', 'oncall', flush.gid, 0, 1003);
    assert.equal(next.groups[0]?.incidents[0]?.isNew, true, 'still new after the failed message');
    assert.equal(next.groups[0]?.incidents[0]?.occurrences, 1);
    // failed retry puts the parked occurrence back: both reach a message
    await store.restore('job-2', 1004);
    assert.equal(await store.unpark('job-1', 1005), 1);
    const both = await store.take('job-3', 'oncall', flush.gid, 0, 1006);
    assert.equal(both.groups[0]?.incidents[0]?.occurrences, 2);
    assert.equal(both.groups[0]?.incidents[0]?.isNew, true);
  });
});

test('takes outlive failed jobs: a take is kept 8 days (failed jobs 7)', async () => {
  await withStore(async (store, redis, prefix) => {
    await store.record([item(1)], 1000);
    const [flush] = await store.claimDue(1000, 10);
    assert.ok(flush);
    await store.take('job-1', 'oncall', flush.gid, 0, 1001);
    const ttl = await redis.pttl(`${prefix}:n:take:job-1`);
    const failedKept = (deliveryJobDefaults({ attempts: 1, backoffMs: 1 }).removeOnFail.age ?? 0) * 1000;
    assert.ok(ttl > failedKept, `take ttl ${ttl} ms > failed jobs kept ${failedKept} ms`);
  });
});

test('Redis failing to record a successful send for 2.5 s (a failover): the commit is retried in place, the message is not sent again', async () => {
  const standin = createDingtalkStandin({
    robots: [{ name: 'oncall', token: 'tok-rec-1', keywords: ['K8s'] }],
  });
  await standin.start();
  try {
    await withStore(async (store, redis, prefix) => {
      const registry = createRegistry('rec2', false);
      const dm = createDeliveryMetrics(registry);
      // a failover (primary killed, replica promoted, endpoint moved, the new primary's replica resyncing)
      // takes seconds: longer than a handful of quick retries
      let awayUntil = Number.POSITIVE_INFINITY;
      let failures = 0;
      const flaky: GroupStore = {
        ...store,
        commit: (jobId, now) => {
          if (awayUntil === Number.POSITIVE_INFINITY) awayUntil = Date.now() + 2500;
          if (Date.now() < awayUntil) {
            failures += 1;
            return Promise.reject(new Error('READONLY (simulated failover)'));
          }
          return store.commit(jobId, now);
        },
      };
      const config = parseNotifierConfig({
        kafka: { brokers: '127.0.0.1:9092', topic: 't' },
        redis: { url: redisUrl(), prefix },
        receivers: [robotReceiver(standin, 'oncall', { keywords: ['K8s'] })],
        route: { receiver: 'oncall' },
      });
      const dispatcher = createDispatcher({
        store: flaky,
        gate: createRateGate({ redis, prefix: `${prefix}:n` }),
        receivers: createReceivers(config),
        metrics: createNotifierMetrics(registry),
        deliveryMetrics: dm,
        decisionLog: createDecisionLog({ log }),
        log,
      });
      await store.record([item(1)], Date.now());
      const [flush] = await store.claimDue(Date.now(), 10);
      assert.ok(flush);
      const res = await dispatcher.dispatch('job-c', 'oncall', flush.gid);
      assert.equal(res.kind, 'sent');
      assert.equal(standin.messages('oncall').length, 1);
      assert.ok(failures >= 5, `the commit failed ${failures} times`);
      assert.equal(await metricValue(registry, 'kube_herald_notifier_commit_retries_total'), failures);
      assert.equal(await store.hasTake('job-c'), false, 'committed');
    });
  } finally {
    await standin.close();
  }
});
