import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@kube-herald/logging';
import type { NotifierConfig } from './config.js';
import type { Receiver } from './model.js';
import { mentionLabelOf } from './receivers/index.js';
import type { GroupStore } from './store/group-store.js';
import { createRateGate, type RateGate } from './rate-gate.js';
import type { NotifierMetrics } from './metrics.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import type { DecisionLog } from './decision-log.js';
import { createDispatcher } from './pipeline/dispatch.js';
import { createDurability, durabilityOf } from './durability.js';
import type { DeliveryJobData } from './scheduler.js';
import { createDeliveryWorker, type DeliveryWorker } from './delivery.js';

/** Dependencies of {@link createDeliverySide}. */
export interface DeliverySideDeps {
  readonly config: NotifierConfig;
  /** Commands connection (store, gate); the worker gets a duplicate of its own. */
  readonly redis: Redis;
  readonly store: GroupStore;
  readonly queue: Queue<DeliveryJobData>;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly metrics: NotifierMetrics;
  readonly deliveryMetrics: DeliveryMetrics;
  readonly decisionLog: DecisionLog;
  readonly log: Logger;
  /** Key and BullMQ prefixes, and the prefix of the rate gate keys. */
  readonly prefixes: { readonly keys: string; readonly bull: string; readonly gate: string };
  /** The notifier's tuning knobs (see `NotifierOptions`). */
  readonly tuning: {
    readonly rateWindowMs?: number;
    readonly throttleBackoffMs?: number;
    readonly concurrency?: number;
  };
  readonly now: () => number;
}

/** The delivery side of a notifier: jobs → rate gate → take → send → commit. */
export interface DeliverySide {
  readonly worker: DeliveryWorker;
  /** The worker's own connection (its owner quits it after closing the worker). */
  readonly connection: Redis;
}

/** Wires the dispatcher and the delivery worker; nothing runs before `worker.start()`. */
export function createDeliverySide(deps: DeliverySideDeps): DeliverySide {
  const { config, redis, tuning } = deps;
  const gate = createRateGate({
    redis,
    prefix: deps.prefixes.gate,
    ...(tuning.rateWindowMs ? { windowMs: tuning.rateWindowMs } : {}),
    throttleBaseMs: tuning.throttleBackoffMs ?? config.delivery.throttleBackoff,
  });
  const durable = confirmed(createDurability(redis, durabilityOf(config)));
  const dispatcher = createDispatcher({
    store: {
      ...deps.store,
      take: durable((...a: Parameters<GroupStore['take']>) => deps.store.take(...a)),
      commit: durable((...a: Parameters<GroupStore['commit']>) => deps.store.commit(...a)),
    },
    gate: { ...gate, acquire: durable((...a: Parameters<RateGate['acquire']>) => gate.acquire(...a)) },
    deliveryMetrics: deps.deliveryMetrics,
    receivers: deps.receivers,
    metrics: deps.metrics,
    decisionLog: deps.decisionLog,
    log: deps.log,
    ...(tuning.rateWindowMs ? { rateWindowMs: tuning.rateWindowMs } : {}),
    mentionLabels: mentionLabelsOf(config),
    now: deps.now,
  });
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker = createDeliveryWorker({
    queue: deps.queue,
    connection,
    prefix: deps.prefixes.bull,
    dispatcher,
    metrics: deps.metrics,
    log: deps.log,
    ...(tuning.concurrency ? { concurrency: tuning.concurrency } : {}),
    sweep: { store: deps.store, keys: deps.prefixes.keys, metrics: deps.deliveryMetrics },
  });
  return { worker, connection };
}

// With redis.durability, a taken slot, a take and a commit are confirmed before the send / the job's end:
// a failover must not hand the same occurrences, or a spent slot, out again.
function confirmed(
  durable: () => Promise<void>,
): <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => (...a: A) => Promise<R> {
  return (fn) =>
    async (...a) => {
      const r = await fn(...a);
      await durable();
      return r;
    };
}

/** The label listing people to mention, per receiver that has one. */
function mentionLabelsOf(config: NotifierConfig): Map<string, string> {
  const labels = new Map<string, string>();
  for (const r of config.receivers) {
    const label = mentionLabelOf(r);
    if (label) labels.set(r.name, label);
  }
  return labels;
}
