import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Publisher, Subscriber } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import type { CloseStep } from '@kube-herald/process';
import type { Registry } from '@kube-herald/observability';
import type { Check } from '@kube-herald/observability';
import type { NotifierConfig } from './config.js';
import type { Receiver } from './model.js';
import { compileRoutes, resolveAfterByRoute, type CompiledRoute } from './routing/index.js';
import { createGroupStore, type GroupStore, type GroupStoreOptions } from './store/group-store.js';
import { createNotifierMetrics, type NotifierMetrics } from './metrics.js';
import { createDeliveryMetrics } from './delivery-metrics.js';
import { createDecisionLog, type DecisionLog } from './decision-log.js';
import type { DecisionEngine, SilenceMatcher } from './pipeline/decision-engine.js';
import type { IngestHandler } from './ingest.js';
import { createIngestSide, type IngestSide } from './notifier-ingest.js';
import { createScheduler, type DeliveryJobData, type Scheduler } from './scheduler.js';
import { deliveryJobDefaults } from './delivery.js';
import { closeAll } from './pipeline/close-all.js';
import { createDeliverySide, type DeliverySide } from './notifier-delivery.js';
import { createGaugePoll, type GaugePoll } from './notifier-gauges.js';

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
  const storeOptions = groupStoreOptions(deps, pre.keys, tree);
  const store = createGroupStore({ redis, ...storeOptions });
  const decisionLog = createDecisionLog({
    log,
    publisher: deps.decisionLogPublisher ?? deps.publisher,
    errors: metrics.errors,
    ...(config.decisionLog.topic === undefined ? {} : { topic: config.decisionLog.topic }),
  });
  // what the ingest side and the delivery side both work with
  const shared = { config, redis, metrics, decisionLog, log, now };
  const ingest = createIngestSide({
    ...shared,
    publisher: deps.publisher,
    subscriber: deps.subscriber,
    tree,
    storeOptions,
    ...(options.silences ? { silences: options.silences } : {}),
  });
  const queue = createDeliveryQueue(config, redis, pre.bull);
  const delivery = createDeliverySide({
    ...shared,
    store,
    queue,
    receivers: deps.receivers,
    deliveryMetrics,
    prefixes: { ...pre, gate: options.gatePrefix ?? pre.keys },
    tuning: options,
  });
  const scheduler = createScheduler({
    store,
    queue,
    metrics,
    log,
    ...(options.schedulerPollMs ? { pollMs: options.schedulerPollMs } : {}),
    now,
  });
  return assemble(deps, { keys: pre.keys, store, queue, scheduler, metrics, decisionLog, ingest, delivery });
}

/** The group store's options; the ingest side's store and the delivery side's share them. */
function groupStoreOptions(
  deps: NotifierDeps,
  keys: string,
  tree: CompiledRoute,
): Omit<GroupStoreOptions, 'redis'> {
  const { config, options = {} } = deps;
  return {
    prefix: keys,
    dedupTtlMs: config.dedup.ttl,
    ...(options.markPrefix === undefined ? {} : { markPrefix: options.markPrefix }),
    ...(options.groupIdleMs === undefined ? {} : { idleMs: options.groupIdleMs }),
    resolveAfter: { byRoute: resolveAfterByRoute(tree), fallback: tree.timing.resolveAfter ?? 0 },
  };
}

function createDeliveryQueue(config: NotifierConfig, redis: Redis, bull: string): Queue<DeliveryJobData> {
  return new Queue<DeliveryJobData>(DELIVERY_QUEUE, {
    connection: redis,
    prefix: bull,
    defaultJobOptions: deliveryJobDefaults({
      attempts: config.delivery.attempts,
      backoffMs: config.delivery.backoffMs,
    }),
  });
}

/** What {@link assemble} runs and closes. */
interface Parts {
  readonly keys: string;
  readonly store: GroupStore;
  readonly queue: Queue<DeliveryJobData>;
  readonly scheduler: Scheduler;
  readonly metrics: NotifierMetrics;
  readonly decisionLog: DecisionLog;
  readonly ingest: IngestSide;
  readonly delivery: DeliverySide;
}

/** The notifier's face: its parts, health checks, `start()` and an idempotent `close()`. */
function assemble(deps: NotifierDeps, p: Parts): Notifier {
  const { config, redis, options = {} } = deps;
  const gauges = createGaugePoll({
    queue: p.queue,
    redis,
    keys: p.keys,
    subscriber: deps.subscriber,
    failedCap: { maxCount: config.failed.maxCount, maxAgeMs: config.failed.maxAge },
    metrics: p.metrics,
    log: deps.log,
  });
  let started = false;
  let closing: Promise<void> | undefined;
  return {
    engine: p.ingest.engine,
    store: p.store,
    queue: p.queue,
    scheduler: p.scheduler,
    metrics: p.metrics,
    live: { started: () => started || 'not started' },
    ready: {
      redis: async () => (await redis.ping()) === 'PONG' || 'redis not answering',
      started: () => started || 'not started',
      partitions: () => p.ingest.stallWatch.check(),
    },
    async start() {
      await startParts(deps, p);
      gauges.start();
      started = true;
    },
    close() {
      const closers = closeOrder(deps, p, gauges);
      closing ??= closeAll(closers, { deadlineMs: options.closeDeadlineMs ?? 10_000, log: deps.log });
      return closing;
    },
  };
}

async function startParts(deps: NotifierDeps, p: Parts): Promise<void> {
  const { options = {} } = deps;
  if (options.deliver !== false) p.delivery.worker.start();
  if (options.schedule !== false) p.scheduler.start();
  // a durability mode this Redis cannot honour fails the start, not every batch
  await p.ingest.durable();
  // a recorded batch pokes the scheduler: groups due now (groupWait 0) flush without waiting for a poll
  const handler: IngestHandler = (...args) =>
    p.ingest.handler(...args).then((r) => {
      p.scheduler.poke();
      return r;
    });
  await deps.subscriber.start(handler, p.ingest.poison);
  p.ingest.stallWatch.start();
}

/** Closed in this order: the consumer first, the decision log's last lines at the end. */
function closeOrder(deps: NotifierDeps, p: Parts, gauges: GaugePoll): CloseStep[] {
  return [
    ['subscriber', () => deps.subscriber.close()],
    ['gauges', () => Promise.resolve(gauges.stop())],
    ['stall-watch', () => Promise.resolve(p.ingest.stallWatch.stop())],
    ['scheduler', () => p.scheduler.close()],
    ['worker', () => p.delivery.worker.close()],
    ['worker-connection', () => p.delivery.connection.quit().then(() => undefined)],
    ['ingest-connection', () => p.ingest.connection.quit().then(() => undefined)],
    ['queue', () => p.queue.close()],
    ['decision-log', () => p.decisionLog.flush()],
  ];
}
