// BullMQ 6 on the project's real Redis (scripts/services.sh): the delivery semantics the notifier relies on.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Queue, UnrecoverableError, Worker, type Job, type Processor } from 'bullmq';
import { Redis } from 'ioredis';
import { redisUrl, uniqueName, waitFor } from '../src/index.js';

describe('BullMQ round trip on the test Redis', () => {
  let connection: Redis;
  const open: { close(): Promise<void> }[] = [];
  const queues: Queue[] = [];

  before(() => {
    connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
    for (const q of queues.splice(0)) {
      await q.obliterate({ force: true });
      await q.close();
    }
  });
  after(async () => {
    await connection.quit();
  });

  function queue(): Queue {
    const q = new Queue(uniqueName('bullmq-rt'), { connection });
    queues.push(q);
    return q;
  }

  function worker(q: Queue, processor: Processor): Worker {
    const w = new Worker(q.name, processor, { connection, concurrency: 1 });
    open.push(w);
    return w;
  }

  async function finished(q: Queue, id: string, state: 'completed' | 'failed'): Promise<Job> {
    await waitFor(async () => (await q.getJobState(id)) === state, {
      timeoutMs: 15_000,
      what: `job ${id} ${state}`,
    });
    const job = await q.getJob(id);
    assert.ok(job, `job ${id} exists`);
    return job;
  }

  it('deduplicates by jobId and by deduplication id', async () => {
    const q = queue();
    const a = await q.add('deliver', { n: 1 }, { jobId: 'group-1:oncall:window-42' });
    const b = await q.add('deliver', { n: 2 }, { jobId: 'group-1:oncall:window-42' });
    assert.equal(a.id, 'group-1:oncall:window-42');
    assert.equal(b.id, a.id);
    assert.deepEqual((await q.getJob(a.id))?.data, { n: 1 }, 'the first job is kept');

    const c = await q.add('deliver', { n: 3 }, { deduplication: { id: 'incident-7' } });
    await q.add('deliver', { n: 4 }, { deduplication: { id: 'incident-7' } });
    assert.equal(await q.getDeduplicationJobId('incident-7'), c.id);
    const counts = await q.getJobCounts('waiting', 'delayed', 'active');
    assert.equal((counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0), 2);
  });

  it('retries with exponential backoff and ends completed', async () => {
    const q = queue();
    const starts: number[] = [];
    worker(q, (job) => {
      starts.push(Date.now());
      if (job.attemptsMade < 2) return Promise.reject(new Error(`transient ${job.attemptsMade}`));
      return Promise.resolve('sent');
    });
    const added = await q.add(
      'deliver',
      { n: 1 },
      { attempts: 5, backoff: { type: 'exponential', delay: 200 } },
    );
    const job = await finished(q, added.id!, 'completed');
    assert.equal(job.returnvalue, 'sent');
    assert.equal(starts.length, 3);
    const [first, second, third] = starts as [number, number, number];
    assert.ok(second - first >= 180, `first back-off ${second - first} ms >= 200 ms`);
    assert.ok(third - second >= 380, `second back-off ${third - second} ms >= 400 ms`);
  });

  it('UnrecoverableError goes straight to failed after one attempt', async () => {
    const q = queue();
    let calls = 0;
    worker(q, () => {
      calls += 1;
      return Promise.reject(new UnrecoverableError('errcode 310000 keywords not matched'));
    });
    const added = await q.add('deliver', {}, { attempts: 5, backoff: { type: 'exponential', delay: 50 } });
    const job = await finished(q, added.id!, 'failed');
    assert.equal(calls, 1);
    assert.equal(job.attemptsMade, 1);
    assert.match(job.failedReason, /310000/);
  });
});
