import type { Redis } from 'ioredis';
import {
  createKafkaAdmin,
  createKafkaRangeReader,
  type BusRecord,
  type KafkaConnectionOptions,
} from '@kube-herald/bus';
import { decodeEvent, type EventV1 } from '@kube-herald/events';
import { isKhError } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import {
  compileRoutes,
  createDecisionEngine,
  createGroupStore,
  createSilenceStore,
  notifierPrefixes,
  replayPrefixes,
  routeEvent,
  type DecisionEngine,
  type NotifierConfig,
  type RoutingResult,
  type SilenceStore,
} from '@kube-herald/notifier';
import { CliError, runtimeError, usageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { assertReachable } from '../util/probe.js';
import { openRedis } from '../util/redis.js';
import { createReplayProgress } from './progress.js';
import { countDecision, emptyTally, summaryText, tableRow, type ReplayTally } from './report.js';
import { startDelivery, type ReplayDelivery } from './delivery.js';

/** What `kube-herald replay` was asked to do. */
export interface ReplayRequest {
  readonly config: NotifierConfig;
  readonly from: number;
  readonly to: number;
  /** --to given: the end is the first offset at `to`; otherwise the end offsets at start. */
  readonly toGiven: boolean;
  readonly clusters: readonly RegExp[];
  readonly namespaces: readonly RegExp[];
  readonly route?: string;
  readonly receiver?: string;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly output: 'table' | 'jsonl';
  /** Longest wait for the replayed groups to be delivered. */
  readonly waitMs: number;
}

/** Result of a replay. */
export interface ReplayResult {
  readonly tally: ReplayTally;
  readonly interrupted: boolean;
}

function kafkaConnection(config: NotifierConfig, log: Logger): KafkaConnectionOptions {
  const { sasl } = config.kafka;
  const password = config.secrets.kafkaSaslPassword;
  return {
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-replay`,
    log,
    ...(config.kafka.ssl === undefined ? {} : { ssl: config.kafka.ssl }),
    ...(sasl && password !== undefined
      ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password } }
      : {}),
  };
}

/** One partition's half-open offset range `[start, end)` of the window. */
interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

async function windowRanges(req: ReplayRequest, conn: KafkaConnectionOptions): Promise<PartitionRange[]> {
  const topic = req.config.kafka.topic;
  const admin = createKafkaAdmin(conn);
  try {
    // asked first: offset look-ups on a missing topic are retried by the client for ~25 s
    if (!(await admin.topicExists(topic))) throw runtimeError(`topic "${topic}" does not exist`);
    const starts = await admin.offsetsForTime(topic, req.from);
    const stops = req.toGiven ? await admin.offsetsForTime(topic, req.to) : await admin.endOffsets(topic);
    return starts.map((s) => ({
      partition: s.partition,
      start: BigInt(s.offset),
      end: BigInt(stops.find((e) => e.partition === s.partition)?.offset ?? s.offset),
    }));
  } catch (err) {
    if (err instanceof CliError) throw err;
    if (unknownTopic(err)) throw runtimeError(`topic "${topic}" does not exist`, err);
    throw runtimeError(`cannot read the offsets of topic "${topic}"`, err);
  } finally {
    await admin.close();
  }
}

function unknownTopic(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (isKhError(e, 'BUS_UNKNOWN_TOPIC')) return true;
    if ((e as Error & { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    if (/does not host this topic-partition/.test(e.message)) return true;
  }
  return false;
}

function routeIds(tree: ReturnType<typeof compileRoutes>): string[] {
  return [tree.id, ...tree.routes.flatMap(routeIds)];
}

function engineFor(
  req: ReplayRequest,
  redis: Redis,
  waits: { maxMs: number },
  silences: SilenceStore,
): DecisionEngine {
  const tree = compileRoutes(req.config.route);
  if (req.route !== undefined && !routeIds(tree).includes(req.route))
    throw usageError(`--route: no route "${req.route}" (routes: ${routeIds(tree).join(', ')})`);
  if (req.receiver !== undefined && !req.config.receivers.some((r) => r.name === req.receiver))
    throw usageError(`--receiver: no receiver "${req.receiver}" in the config`);
  const route = (e: EventV1): RoutingResult => {
    const r = routeEvent(tree, e, { explain: false });
    const matches = req.route === undefined ? r.matches : r.matches.filter((m) => m.route === req.route);
    for (const m of matches) waits.maxMs = Math.max(waits.maxMs, m.groupWait, m.groupInterval);
    return { ...r, matches };
  };
  // the replay's groups are its own (its delivery never touches live ones); dedup marks are the fleet's
  const store = createGroupStore({
    redis,
    prefix: replayPrefixes(req.config).keys,
    markPrefix: notifierPrefixes(req.config).keys,
    dedupTtlMs: req.config.dedup.ttl,
  });
  return createDecisionEngine({
    route,
    store,
    silences: { match: (e: EventV1, now: number) => silences.match(e, now) },
  });
}

/** The fleet's silences: the live notifier applies them, so the replay does too. */
async function openSilences(req: ReplayRequest, redis: Redis, log: Logger): Promise<SilenceStore> {
  const store = createSilenceStore({ redis, prefix: req.config.redis.prefix, log });
  await store.start();
  return store;
}

function selected(req: ReplayRequest, e: EventV1): boolean {
  const ns = e.involvedObject.namespace ?? '';
  return (
    (req.clusters.length === 0 || req.clusters.some((r) => r.test(e.cluster.id))) &&
    (req.namespaces.length === 0 || req.namespaces.some((r) => r.test(ns)))
  );
}

/** Runs a replay: window → offsets → read → the notifier's decision engine → (delivery) → summary. */
export async function runReplay(
  req: ReplayRequest,
  io: CliIo,
  log: Logger,
  stop: Promise<string>,
): Promise<ReplayResult> {
  // kafkajs logs every retry at error level; the replay reports the outcome itself
  const kafkaLog = log.isLevelEnabled('debug') ? log : log.child({}, { level: 'silent' });
  const conn = kafkaConnection(req.config, kafkaLog);
  await assertReachable('Kafka', req.config.kafka.brokers, 9092);
  const ranges = await windowRanges(req, conn);
  const pw = req.config.secrets.redisPassword;
  const redis = await openRedis({
    url: req.config.redis.url,
    prefix: req.config.redis.prefix,
    ...(pw === undefined ? {} : { password: pw }),
  });
  const tally = emptyTally();
  const waits = { maxMs: 0 };
  let delivery: ReplayDelivery | undefined;
  let silences: SilenceStore | undefined;
  const reader = createKafkaRangeReader({
    ...conn,
    topic: req.config.kafka.topic,
    start: new Map(ranges.map((r) => [r.partition, r.start])),
    end: new Map(ranges.map((r) => [r.partition, r.end])),
    groupId: `${req.config.kafka.groupId}-replay-${Date.now()}-${process.pid}`,
  });
  let interrupted = false;
  void stop.then(() => {
    interrupted = true;
    reader.stop();
    delivery?.stop();
  });
  const out = req.output === 'jsonl' ? io.stdout : undefined;
  try {
    silences = await openSilences(req, redis, log);
    const engine = engineFor(req, redis, waits, silences);
    if (!req.dryRun) delivery = await startDelivery(req.config, redis, log);
    const progress = createReplayProgress(
      io,
      new Map(ranges.map((r) => [r.partition, Number(r.end - r.start)])),
    );
    const handle = async (records: readonly BusRecord[], partition: number): Promise<void> => {
      const events: EventV1[] = [];
      const raws: string[] = [];
      for (const rec of records) {
        if (rec.timestamp < req.from || rec.timestamp >= req.to) continue;
        tally.read++;
        const res = rec.value === null ? undefined : decodeEvent(rec.value, rec.headers);
        if (!res?.ok) tally.invalid++;
        else if (selected(req, res.event)) {
          events.push(res.event);
          raws.push((rec.value ?? '').toString('utf8').trim());
        }
      }
      tally.selected += events.length;
      const receiverFilter = req.receiver === undefined ? undefined : (r: string) => r === req.receiver;
      const decisions = await engine.process(events, {
        dryRun: req.dryRun,
        force: req.force,
        ...(receiverFilter ? { receiverFilter } : {}),
      });
      decisions.forEach((d, i) => {
        countDecision(tally, d);
        const e = events[i];
        if (e && out) out.write(`${raws[i] ?? ''}\n`);
        else if (e) io.stdout.write(tableRow(e, d, req.dryRun));
      });
      progress.add(partition, records.length);
    };
    const how = await reader.run(handle);
    progress.stop();
    await reader.close();
    if (delivery && how === 'done' && tally.placements > 0) {
      io.stderr.write(
        `replay: waiting for ${tally.placements} occurrence(s) to be delivered (groupWait/groupInterval up to ${waits.maxMs}ms)\n`,
      );
      Object.assign(tally, await delivery.waitFor(tally.placements, waits.maxMs, req.waitMs));
    }
    (out ? io.stderr : io.stdout).write(summaryText(tally, { dryRun: req.dryRun, interrupted }));
    return { tally, interrupted };
  } finally {
    await reader.close();
    await delivery?.close();
    await silences?.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}
