import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Publisher, Subscriber } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import type { Registry } from '@kube-herald/observability';
import type { Check } from '@kube-herald/observability';
import { errorCode } from '@kube-herald/errors';
import type { NotifierConfig } from './config.js';
import type { Receiver } from './model.js';
import { mentionLabelOf } from './receivers/index.js';
import { compileRoutes, resolveAfterByRoute, routeEvent } from './routing/index.js';
import { createGroupStore, type GroupStore } from './store/group-store.js';
import { createRateGate } from './rate-gate.js';
import { createNotifierMetrics, type NotifierMetrics } from './metrics.js';
import { createDeliveryMetrics } from './delivery-metrics.js';
import { createDecisionLog } from './decision-log.js';
import {
  createDecisionEngine,
  type DecisionEngine,
  type SilenceMatcher,
} from './pipeline/decision-engine.js';
import { createDispatcher } from './pipeline/dispatch.js';
import { createIngest } from './ingest.js';
import { createPoisonPolicy } from './dlq.js';
import { createStallWatch } from './stall-watch.js';
import { capFailed } from './failed.js';
import { createDurability } from './durability.js';
import { createScheduler, type DeliveryJobData, type Scheduler } from './scheduler.js';
import { createDeliveryWorker, deliveryJobDefaults, type DeliveryWorker } from './delivery.js';
import { closeAll } from './pipeline/close-all.js';

/** Tuning knobs with production defaults (tests shorten the time scale). */
export interface NotifierOptions {
  /**
   * Rate gate window. Default 60 000 ms (DingTalk counts per minute). A shorter window scales the
   * per-minute budget down (18/min over 20 s = 6 per 20 s), which never exceeds it in any rolling minute.
   */
  readonly rateWindowMs?: number;
  /** Overrides `delivery.throttleBackoff` (tests): the first throttle block; it doubles up to 10×. */
  readonly throttleBackoffMs?: number;
  /**
   * Prefix of the rate gate keys (default: this notifier's key prefix). A replay delivering under a
   * prefix of its own still shares the live fleet's gate: one gate per robot, whoever sends.
   */
  readonly gatePrefix?: string;
  /**
   * Key and BullMQ prefixes (default `notifierPrefixes(config)`). A replay runs under
   * `replayPrefixes(config)`: its scheduler and worker never see a live group or job.
   */
  readonly prefixes?: { readonly keys: string; readonly bull: string };
  /** Prefix of the dedup marks (default the key prefix): a replay shares the live fleet's marks. */
  readonly markPrefix?: string;
  readonly schedulerPollMs?: number;
  /** Concurrent delivery jobs per replica. Default 4. */
  readonly concurrency?: number;
  /** Group idle expiry (default per group: repeatInterval + groupInterval). */
  readonly groupIdleMs?: number;
  /** Run the delivery worker (default true) and the scheduler (default true) in this replica. */
  readonly deliver?: boolean;
  readonly schedule?: boolean;
  readonly silences?: SilenceMatcher;
  /** Deadline of `close()`. Default 10 000 ms. */
  readonly closeDeadlineMs?: number;
  readonly now?: () => number;
}

/** Dependencies of {@link createNotifier}. */
export interface NotifierDeps {
  readonly config: NotifierConfig;
  readonly log: Logger;
  /** Commands connection (dedup, groups, gate). The worker gets its own duplicate. */
  readonly redis: Redis;
  readonly subscriber: Subscriber;
  /** Publisher of DLQ records (only `publish` is used: its owner starts and closes it). */
  readonly publisher: Pick<Publisher, 'publish'>;
  /**
   * Publisher of the decision-log mirror (default `publisher`). A producer of its own keeps a failing
   * decision topic from failing the DLQ records that would share its batches.
   */
  readonly decisionLogPublisher?: Pick<Publisher, 'publish'>;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly registry: Registry;
  readonly options?: NotifierOptions;
}

/** The notifier service: ingest (Kafka → Redis), scheduler (due groups → jobs), delivery (jobs → robots). */
export interface Notifier {
  start(): Promise<void>;
  close(): Promise<void>;
  readonly engine: DecisionEngine;
  readonly store: GroupStore;
  readonly queue: Queue<DeliveryJobData>;
  readonly scheduler: Scheduler;
  readonly metrics: NotifierMetrics;
  readonly live: Readonly<Record<string, Check>>;
  readonly ready: Readonly<Record<string, Check>>;
}

/** Redis key prefix of the notifier's own keys, and the BullMQ prefix, under `redis.prefix`. */
export function notifierPrefixes(config: { readonly redis: { readonly prefix: string } }): {
  keys: string;
  bull: string;
} {
  return { keys: `${config.redis.prefix}:n`, bull: `${config.redis.prefix}:bull` };
}

/**
 * Prefixes of `kube-herald replay`'s own groups and delivery queue. Its dedup marks and the robots' rate
 * gates stay the live fleet's (`notifierPrefixes(config).keys`). Failed replay deliveries stay in this
 * queue (`kube-herald failed list --replay`).
 */
export function replayPrefixes(config: { readonly redis: { readonly prefix: string } }): {
  keys: string;
  bull: string;
} {
  return { keys: `${config.redis.prefix}:replay:n`, bull: `${config.redis.prefix}:replay:bull` };
}

/** Name of the delivery queue. */
export const DELIVERY_QUEUE = 'notifier-delivery';

/** Wires the notifier from its dependencies; nothing runs before `start()`. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, log, redis, options = {} } = deps;
  const pre = options.prefixes ?? notifierPrefixes(config);
  const now = options.now ?? Date.now;
  const metrics = createNotifierMetrics(deps.registry);
  const deliveryMetrics = createDeliveryMetrics(deps.registry);
  const tree = compileRoutes(config.route);
  const durabilityOptions = {
    mode: config.redis.durability.mode,
    replicas: config.redis.durability.replicas,
    timeoutMs: config.redis.durability.timeout,
  };
  const storeOptions = {
    prefix: pre.keys,
    dedupTtlMs: config.dedup.ttl,
    ...(options.markPrefix === undefined ? {} : { markPrefix: options.markPrefix }),
    ...(options.groupIdleMs === undefined ? {} : { idleMs: options.groupIdleMs }),
    resolveAfter: { byRoute: resolveAfterByRoute(tree), fallback: tree.timing.resolveAfter ?? 0 },
  };
  const store = createGroupStore({ redis, ...storeOptions });
  // ingest records (and WAITs, which block their connection) on a connection of its own: a durability
  // wait never holds up the scheduler, the delivery side or the rate gate
  const ingestConnection = redis.duplicate();
  const engine = createDecisionEngine({
    route: (e) => routeEvent(tree, e, { explain: false }),
    ...(options.silences ? { silences: options.silences } : {}),
    store: createGroupStore({ redis: ingestConnection, ...storeOptions }),
    now,
  });
  const decisionLog = createDecisionLog({
    log,
    publisher: deps.decisionLogPublisher ?? deps.publisher,
    errors: metrics.errors,
    ...(config.decisionLog.topic === undefined ? {} : { topic: config.decisionLog.topic }),
  });
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, {
    connection: redis,
    prefix: pre.bull,
    defaultJobOptions: deliveryJobDefaults({
      attempts: config.delivery.attempts,
      backoffMs: config.delivery.backoffMs,
    }),
  });
  const mentionLabels = new Map<string, string>();
  for (const r of config.receivers) {
    const label = mentionLabelOf(r);
    if (label) mentionLabels.set(r.name, label);
  }
  const gate = createRateGate({
    redis,
    prefix: options.gatePrefix ?? pre.keys,
    ...(options.rateWindowMs ? { windowMs: options.rateWindowMs } : {}),
    throttleBaseMs: options.throttleBackoffMs ?? config.delivery.throttleBackoff,
  });
  // with redis.durability, a taken slot, a take and a commit are confirmed before the send / the job's end:
  // a failover must not hand the same occurrences, or a spent slot, out again
  const deliveryDurable = createDurability(redis, durabilityOptions);
  const after =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const r = await fn(...a);
      await deliveryDurable();
      return r;
    };
  const dispatcher = createDispatcher({
    store: {
      ...store,
      take: after((...a: Parameters<GroupStore['take']>) => store.take(...a)),
      commit: after((...a: Parameters<GroupStore['commit']>) => store.commit(...a)),
    },
    gate: { ...gate, acquire: after((...a: Parameters<typeof gate.acquire>) => gate.acquire(...a)) },
    deliveryMetrics,
    receivers: deps.receivers,
    metrics,
    decisionLog,
    log,
    ...(options.rateWindowMs ? { rateWindowMs: options.rateWindowMs } : {}),
    mentionLabels,
    now,
  });
  const scheduler = createScheduler({
    store,
    queue,
    metrics,
    log,
    ...(options.schedulerPollMs ? { pollMs: options.schedulerPollMs } : {}),
    now,
  });
  const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker: DeliveryWorker = createDeliveryWorker({
    queue,
    connection: workerConnection,
    prefix: pre.bull,
    dispatcher,
    metrics,
    log,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    sweep: { store, keys: pre.keys, metrics: deliveryMetrics },
  });
  const durable = createDurability(ingestConnection, durabilityOptions);
  const ingest = createIngest({
    engine,
    publisher: deps.publisher,
    dlqTopic: config.kafka.dlqTopic,
    decisionLog,
    metrics,
    log: log.child({ component: 'ingest' }),
    now,
    durable,
  });
  const poison = createPoisonPolicy({
    publisher: deps.publisher,
    dlqTopic: config.kafka.dlqTopic,
    metrics,
    log: log.child({ component: 'ingest' }),
    maxAttempts: config.kafka.poisonAttempts,
  });
  const stallWatch = createStallWatch({
    subscriber: deps.subscriber,
    timeoutMs: config.kafka.stallTimeout,
    metrics,
    log,
  });
  let gaugeTimer: NodeJS.Timeout | undefined;
  let started = false;
  const refreshGauges = async (): Promise<void> => {
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
    const cap = { maxCount: config.failed.maxCount, maxAgeMs: config.failed.maxAge };
    await capFailed(queue, redis, pre.keys, cap, ({ job, why }) => {
      metrics.failedEvicted.inc({ reason: why });
      log.warn(
        { jobId: job.id, receiver: job.receiver, failedReason: job.failedReason, why },
        'failed delivery removed from the failed set; failed retry can no longer bring it back',
      );
    });
  };
  const pollGauges = (): void => {
    gaugeTimer = setTimeout(() => {
      refreshGauges().then(pollGauges, (err: unknown) => {
        metrics.errors.inc({ component: 'gauges' });
        log.warn({ err, code: errorCode(err) }, 'gauge refresh failed');
        pollGauges();
      });
    }, 5000);
  };
  let closing: Promise<void> | undefined;
  return {
    engine,
    store,
    queue,
    scheduler,
    metrics,
    live: { started: () => started || 'not started' },
    ready: {
      redis: async () => (await redis.ping()) === 'PONG' || 'redis not answering',
      started: () => started || 'not started',
      partitions: () => stallWatch.check(),
    },
    async start() {
      if (options.deliver !== false) worker.start();
      if (options.schedule !== false) scheduler.start();
      // a durability mode this Redis cannot honour fails the start, not every batch
      await durable();
      // a recorded batch pokes the scheduler: groups due now (groupWait 0) flush without waiting for a poll
      const handler: typeof ingest = (...args) =>
        ingest(...args).then((r) => {
          scheduler.poke();
          return r;
        });
      await deps.subscriber.start(handler, poison);
      stallWatch.start();
      pollGauges();
      started = true;
    },
    close() {
      closing ??= closeAll(
        [
          ['subscriber', () => deps.subscriber.close()],
          ['gauges', () => Promise.resolve(clearTimeout(gaugeTimer))],
          ['stall-watch', () => Promise.resolve(stallWatch.stop())],
          ['scheduler', () => scheduler.close()],
          ['worker', () => worker.close()],
          ['worker-connection', () => workerConnection.quit().then(() => undefined)],
          ['ingest-connection', () => ingestConnection.quit().then(() => undefined)],
          ['queue', () => queue.close()],
          ['decision-log', () => decisionLog.flush()],
        ],
        { deadlineMs: options.closeDeadlineMs ?? 10_000, log },
      );
      return closing;
    },
  };
}
