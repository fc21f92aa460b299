import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { KhError, errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { DispatchResult, Dispatcher } from './pipeline/dispatch.js';
import type { DeliveryJobData } from './scheduler.js';
import type { NotifierMetrics } from './metrics.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import type { GroupStore } from './store/group-store.js';

/** Options of the delivery queue's jobs. */
export interface DeliveryJobOptions {
  readonly attempts: number;
  readonly backoffMs: number;
}

/** Default options of delivery jobs: exponential backoff with jitter, failed jobs kept for `failed …`. */
export function deliveryJobDefaults(o: DeliveryJobOptions) {
  return {
    attempts: o.attempts,
    backoff: { type: 'exponential', delay: o.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 86_400, count: 10_000 },
    removeOnFail: { age: 7 * 86_400 },
  } as const;
}

/**
 * The one place where a delivery result becomes BullMQ control flow: wait/throttle → delayed (no attempt
 * used), retry → a thrown error (BullMQ backoff), permanent → UnrecoverableError (failed set at once).
 */
export async function applyResult(
  job: Job<DeliveryJobData>,
  token: string | undefined,
  r: DispatchResult,
): Promise<DispatchResult> {
  switch (r.kind) {
    case 'sent':
    case 'skipped':
      return r;
    case 'wait':
    case 'throttle':
      await job.moveToDelayed(r.untilMs, token);
      throw new DelayedError();
    case 'retry':
      throw new KhError('notifier_delivery_retry', `transient delivery failure: ${r.code}`, {
        verdict: 'retry',
      });
    case 'permanent':
      throw new UnrecoverableError(`permanent errcode=${r.errcode} code=${r.code}`);
  }
}

/** Dependencies of {@link createDeliveryWorker}. */
export interface DeliveryWorkerDeps {
  readonly queue: Queue<DeliveryJobData>;
  /** A connection for the worker (BullMQ needs `maxRetriesPerRequest: null`). */
  readonly connection: Redis;
  readonly prefix: string;
  readonly dispatcher: Dispatcher;
  readonly metrics: NotifierMetrics;
  readonly log: Logger;
  readonly concurrency?: number;
  /** Put back the takes of jobs that ended without committing or parking them (stalled out, removed). */
  readonly sweep?: {
    readonly store: GroupStore;
    /** The notifier key prefix (`take:<jobId>` keys live under it). */
    readonly keys: string;
    readonly metrics: DeliveryMetrics;
    /** Period of the sweep. Default 30 000 ms. */
    readonly everyMs?: number;
  };
  /** BullMQ worker tuning (tests): lock duration, stalled check period, stalls allowed before failing. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly maxStalledCount?: number;
}

/**
 * A take whose job can no longer recover it: the job failed without parking it (it stalled out — its
 * worker died more often than maxStalledCount — or ran out of attempts in a way that skipped the restore)
 * or was removed. Waiting, delayed and active jobs recover their own take on their next attempt.
 */
async function sweepTakes(
  queue: Queue<DeliveryJobData>,
  deps: NonNullable<DeliveryWorkerDeps['sweep']>,
  redis: Redis,
  log: Logger,
): Promise<number> {
  let restored = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${deps.keys}:take:*`, 'COUNT', 200);
    cursor = next;
    for (const key of keys) {
      const jobId = key.slice(deps.keys.length + ':take:'.length);
      const state = await queue.getJobState(jobId);
      if (state !== 'failed' && state !== 'unknown') continue;
      const job = state === 'failed' ? await queue.getJob(jobId) : undefined;
      const reason = /stalled/.test(job?.failedReason ?? '')
        ? 'stalled'
        : state === 'failed'
          ? 'failed'
          : 'removed';
      const n = await deps.store.restore(jobId, Date.now());
      deps.metrics.takesRestored.inc({ reason });
      restored += n;
      log.warn({ jobId, reason, occurrences: n }, 'restored the take of a job that ended without it');
    }
  } while (cursor !== '0');
  return restored;
}

/** The BullMQ worker of the delivery queue. */
export interface DeliveryWorker {
  start(): void;
  close(): Promise<void>;
}

/** Creates the worker (it starts consuming on `start()`). */
export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const log = deps.log.child({ component: 'delivery-worker' });
  let worker: Worker<DeliveryJobData> | undefined;
  let closing: Promise<void> | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  const sweep = deps.sweep;
  const scheduleSweep = (): void => {
    if (!sweep || closing) return;
    sweepTimer = setTimeout(() => {
      sweepTakes(deps.queue, sweep, deps.connection, log)
        .catch((err: unknown) => {
          deps.metrics.errors.inc({ component: 'take-sweep' });
          log.warn({ err, code: errorCode(err) }, 'take sweep failed');
        })
        .finally(scheduleSweep);
    }, sweep.everyMs ?? 30_000);
  };
  return {
    start() {
      worker = new Worker<DeliveryJobData>(
        deps.queue.name,
        async (job, token) => {
          const id = job.id ?? `${job.data.receiver}.${job.data.gid}.${job.data.window}`;
          return applyResult(job, token, await deps.dispatcher.dispatch(id, job.data.receiver, job.data.gid));
        },
        {
          connection: deps.connection,
          prefix: deps.prefix,
          concurrency: deps.concurrency ?? 4,
          ...(deps.lockDurationMs ? { lockDuration: deps.lockDurationMs } : {}),
          ...(deps.stalledIntervalMs ? { stalledInterval: deps.stalledIntervalMs } : {}),
          ...(deps.maxStalledCount === undefined ? {} : { maxStalledCount: deps.maxStalledCount }),
        },
      );
      scheduleSweep();
      worker.on('failed', (job, err) => {
        log.warn(
          { err, jobId: job?.id, receiver: job?.data.receiver, attempts: job?.attemptsMade },
          'delivery job failed',
        );
      });
      worker.on('error', (err) => {
        deps.metrics.errors.inc({ component: 'delivery-worker' });
        log.warn({ err, code: errorCode(err) }, 'delivery worker error');
      });
    },
    close() {
      closing ??= (async () => {
        clearTimeout(sweepTimer);
        if (worker) await worker.close();
      })();
      return closing;
    },
  };
}
