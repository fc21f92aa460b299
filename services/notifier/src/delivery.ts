import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { KhError, errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { DispatchResult, Dispatcher } from './pipeline/dispatch.js';
import type { DeliveryJobData } from './scheduler.js';
import type { NotifierMetrics } from './metrics.js';

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
  return {
    start() {
      worker = new Worker<DeliveryJobData>(
        deps.queue.name,
        async (job, token) => {
          const id = job.id ?? `${job.data.receiver}.${job.data.gid}.${job.data.window}`;
          return applyResult(job, token, await deps.dispatcher.dispatch(id, job.data.receiver, job.data.gid));
        },
        { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? 4 },
      );
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
      closing ??= worker ? worker.close() : Promise.resolve();
      return closing;
    },
  };
}
