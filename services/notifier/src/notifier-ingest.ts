import type { Redis } from 'ioredis';
import type { PoisonPolicy, Publisher, Subscriber } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import type { NotifierConfig } from './config.js';
import { routeEvent, type CompiledRoute } from './routing/index.js';
import { createGroupStore, type GroupStoreOptions } from './store/group-store.js';
import type { NotifierMetrics } from './metrics.js';
import type { DecisionLog } from './decision-log.js';
import {
  createDecisionEngine,
  type DecisionEngine,
  type SilenceMatcher,
} from './pipeline/decision-engine.js';
import { createIngest, type IngestHandler } from './ingest.js';
import { createPoisonPolicy } from './dlq.js';
import { createStallWatch, type StallWatch } from './stall-watch.js';
import { createDurability, durabilityOf } from './durability.js';

/** Dependencies of {@link createIngestSide}. */
export interface IngestSideDeps {
  readonly config: NotifierConfig;
  /** Commands connection; ingest works on a duplicate of its own. */
  readonly redis: Redis;
  /** Publisher of DLQ records. */
  readonly publisher: Pick<Publisher, 'publish'>;
  readonly subscriber: Subscriber;
  readonly tree: CompiledRoute;
  readonly storeOptions: Omit<GroupStoreOptions, 'redis'>;
  readonly silences?: SilenceMatcher;
  readonly metrics: NotifierMetrics;
  readonly decisionLog: DecisionLog;
  readonly log: Logger;
  readonly now: () => number;
}

/** Kafka → validate → dedup → route → group in Redis, on a Redis connection of its own. */
export interface IngestSide {
  readonly engine: DecisionEngine;
  /** The subscriber's batch handler and poison policy. */
  readonly handler: IngestHandler;
  readonly poison: PoisonPolicy;
  /** Confirms the connection's writes as `redis.durability` asks. */
  readonly durable: () => Promise<void>;
  /** The ingest side's own connection (its owner quits it at close). */
  readonly connection: Redis;
  /** Partitions whose batches stopped coming back (readiness). */
  readonly stallWatch: StallWatch;
}

/** Wires the ingest side; nothing runs before the subscriber starts with its handler. */
export function createIngestSide(deps: IngestSideDeps): IngestSide {
  const { config, metrics, now } = deps;
  const log = deps.log.child({ component: 'ingest' });
  // ingest records (and WAITs, which block their connection) on a connection of its own: a durability
  // wait never holds up the scheduler, the delivery side or the rate gate
  const connection = deps.redis.duplicate();
  const engine = createDecisionEngine({
    route: (e) => routeEvent(deps.tree, e, { explain: false }),
    ...(deps.silences ? { silences: deps.silences } : {}),
    store: createGroupStore({ redis: connection, ...deps.storeOptions }),
    now,
  });
  const durable = createDurability(connection, durabilityOf(config));
  const dlq = { publisher: deps.publisher, dlqTopic: config.kafka.dlqTopic, metrics, log };
  return {
    engine,
    handler: createIngest({ ...dlq, engine, decisionLog: deps.decisionLog, now, durable }),
    poison: createPoisonPolicy({ ...dlq, maxAttempts: config.kafka.poisonAttempts }),
    durable,
    connection,
    stallWatch: createStallWatch({
      subscriber: deps.subscriber,
      timeoutMs: config.kafka.stallTimeout,
      metrics,
      log: deps.log,
    }),
  };
}
