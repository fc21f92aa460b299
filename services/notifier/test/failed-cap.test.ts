// The failed set is capped by count and age; what is removed is reported (issue 12, real Redis + BullMQ).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { redisUrl, uniqueName } from '@kube-herald/testing';
import { capFailed, listFailed, type FailedEviction } from '../src/failed.js';
import type { DeliveryJobData } from '../src/scheduler.js';
import { until } from './pipeline-harness.js';

test('capFailed: past maxCount the oldest failed jobs go, then those older than maxAge; parked takes with them', async () => {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const prefix = uniqueName('kht-failed');
  const keys = `${prefix}:n`;
  const queue = new Queue<DeliveryJobData>('deliver', { connection: redis, prefix: `${prefix}:bull` });
  const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker<DeliveryJobData>(
    'deliver',
    () => Promise.reject(new UnrecoverableError('permanent errcode=310000')),
    { connection: workerConnection, prefix: `${prefix}:bull` },
  );
  try {
    for (let i = 0; i < 6; i += 1) {
      await queue.add(
        'd',
        { receiver: 'oncall', gid: `g${i}`, window: 1 },
        { jobId: `job-${i}`, attempts: 1 },
      );
      await until(async () => (await queue.getFailedCount()) === i + 1, 10_000, `job ${i} failed`);
      await redis.set(`${keys}:ftake:job-${i}`, 'parked');
    }
    const evicted: FailedEviction[] = [];
    const cap = { maxCount: 4, maxAgeMs: 86_400_000 };
    assert.equal(await capFailed(queue, redis, keys, cap, (e) => evicted.push(e)), 2);
    assert.deepEqual(evicted.map((e) => [e.job.id, e.why]).sort(), [
      ['job-0', 'count'],
      ['job-1', 'count'],
    ]);
    assert.match(evicted[0]!.job.failedReason, /errcode=310000/);
    assert.deepEqual((await listFailed(queue)).map((j) => j.id).sort(), ['job-2', 'job-3', 'job-4', 'job-5']);
    assert.equal(await redis.exists(`${keys}:ftake:job-0`, `${keys}:ftake:job-1`), 0);
    assert.equal(await redis.exists(`${keys}:ftake:job-2`), 1);
    // within bounds: nothing to do
    assert.equal(await capFailed(queue, redis, keys, cap, (e) => evicted.push(e)), 0);
    // a day later every one is past maxAge
    const later = Date.now() + 86_400_001;
    assert.equal(await capFailed(queue, redis, keys, cap, (e) => evicted.push(e), later), 4);
    assert.deepEqual(
      evicted.slice(2).map((e) => e.why),
      ['age', 'age', 'age', 'age'],
    );
    assert.equal(await queue.getFailedCount(), 0);
  } finally {
    await worker.close();
    await workerConnection.quit();
    await queue.obliterate({ force: true });
    await queue.close();
    const left = await redis.keys(`${prefix}:*`);
    if (left.length > 0) await redis.del(...left);
    await redis.quit();
  }
});
