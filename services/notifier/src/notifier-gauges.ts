import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Subscriber } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import { errorCode } from '@kube-herald/errors';
import type { NotifierMetrics } from './metrics.js';
import { capFailed } from './failed.js';
import type { DeliveryJobData } from './scheduler.js';

/** Dependencies of {@link createGaugePoll}. */
export interface GaugePollDeps {
  readonly queue: Queue<DeliveryJobData>;
  readonly redis: Redis;
  /** The notifier key prefix (the failed set's bookkeeping lives under it). */
  readonly keys: string;
  readonly subscriber: Pick<Subscriber, 'lag'>;
  /** Bound of the failed set (`failed.maxCount`, `failed.maxAge`). */
  readonly failedCap: { readonly maxCount: number; readonly maxAgeMs: number };
  readonly metrics: NotifierMetrics;
  readonly log: Logger;
}

/** Every 5 s: queue depth and consumer lag gauges, and the failed set held to its bound. */
export interface GaugePoll {
  start(): void;
  stop(): void;
}

/** Creates the gauge poll; a failed round is counted and logged, and the next one comes as usual. */
export function createGaugePoll(deps: GaugePollDeps): GaugePoll {
  const { metrics, log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      refreshGauges(deps).then(poll, (err: unknown) => {
        metrics.errors.inc({ component: 'gauges' });
        log.warn({ err, code: errorCode(err) }, 'gauge refresh failed');
        poll();
      });
    }, 5000);
  };
  return {
    start: poll,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

async function refreshGauges(deps: GaugePollDeps): Promise<void> {
  const { queue, metrics, log } = deps;
  const counts = await queue.getJobCounts(
    'waiting',
    'active',
    'delayed',
    'failed',
    'completed',
    'prioritized',
  );
  for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ state }, n);
  const lag = await deps.subscriber.lag?.();
  if (lag !== undefined) metrics.consumerLag.set(lag);
  await capFailed(queue, deps.redis, deps.keys, deps.failedCap, ({ job, why }) => {
    metrics.failedEvicted.inc({ reason: why });
    log.warn(
      { jobId: job.id, receiver: job.receiver, failedReason: job.failedReason, why },
      'failed delivery removed from the failed set; failed retry can no longer bring it back',
    );
  });
}
