import { setTimeout as sleep } from 'node:timers/promises';
import type { Batch, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { backoffDelay } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import { watchConsumer, type ConsumerRecovery } from './consumer-recovery.js';
import { busError, BusErrorCode } from './errors.js';
import { createKafkaAdmin, type BusAdmin } from './kafka-admin.js';
import {
  createKafkaClient,
  createSocketTracker,
  headersToStrings,
  type KafkaConnectionOptions,
  type SocketTracker,
} from './kafka-client.js';
import { createProgressTracker, runBatch, type ProgressTracker } from './record-isolation.js';
import type { BusRecord, PoisonPolicy, Subscriber, SubscriberHandler, SubscriberOptions } from './types.js';

/** Options of {@link createKafkaSubscriber}. */
export interface KafkaSubscriberOptions extends KafkaConnectionOptions, SubscriberOptions {
  /** Partitions handled in parallel by this member (default 1). */
  readonly partitionsConcurrently?: number;
  /** Session timeout of the group member (default 30 000 ms). */
  readonly sessionTimeoutMs?: number;
  /** Longest wait of one fetch when there is no data (default 500 ms). */
  readonly maxWaitTimeMs?: number;
  /** Bytes fetched per partition and request (default 256 KiB; compressed, so several times that in records). */
  readonly maxBytesPerPartition?: number;
  /** Bytes fetched per request over all partitions (default 1 MiB; kafkajs' own default is 10 MiB). */
  readonly maxBytes?: number;
  /** Records handed to the handler at once (a fetched batch is split; default 1,000). */
  readonly maxBatchRecords?: number;
  /** Called when the kafkajs consumer crashed (the subscriber rejoins by itself; `restart` is always true). */
  readonly onCrash?: (err: Error, restart: boolean) => void;
}

function toRecord(batch: Batch, m: KafkaMessage): BusRecord {
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString('utf8'),
    value: m.value,
    headers: headersToStrings(m.headers),
    timestamp: Number(m.timestamp),
  };
}

// Errors kafkajs answers by rejoining the group itself (its runner calls joinAndSync on them).
const REJOINED_BY_KAFKAJS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e instanceof Error && chain.length < 8; e = e.cause) chain.push(e);
  return chain;
}

/**
 * True when a commit or heartbeat failed (after kafkajs' own retries) for a reason kafkajs does not
 * recover from by itself: typically the group coordinator's broker is gone (`KafkaJSBrokerNotFound`, a
 * connection error) — kafkajs keeps the old coordinator until the member rejoins, which it otherwise only
 * does after its fetch retries ran out (minutes).
 */
export function needsRejoin(err: unknown): boolean {
  return !causes(err).some(
    (e) =>
      typeof (e as { type?: unknown }).type === 'string' &&
      REJOINED_BY_KAFKAJS.has((e as { type: string }).type),
  );
}

/** The group member's kafkajs consumer: auto-commit off, short retries, crashes left to watchConsumer. */
function newConsumer(options: KafkaSubscriberOptions, sockets: SocketTracker): Consumer {
  return createKafkaClient(options, sockets).consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 262_144,
    maxBytes: options.maxBytes ?? 1_048_576,
    allowAutoTopicCreation: false,
    // kafkajs fetches from a dead leader until its metadata expires (default 5 min): re-read it often.
    metadataMaxAge: 10_000,
    // Short: a commit to a lost coordinator fails within seconds and the member rejoins (see needsRejoin);
    // a longer outage ends kafkajs' retries and watchConsumer rejoins with its own back-off.
    retry: {
      retries: 5,
      initialRetryTime: 300,
      maxRetryTime: 3_000,
      // Crashes are handled by watchConsumer (one loop, none after close), never by kafkajs' restart timer.
      restartOnFailure: () => Promise.resolve(false),
    },
  });
}

/** What {@link createBatchRunner} needs from its subscriber. */
interface BatchRunnerDeps {
  readonly consumer: Consumer;
  readonly log: Logger;
  readonly tracker: ProgressTracker;
  readonly maxBatchRecords: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly isClosed: () => boolean;
  /** Sleeps, cut short by close(). */
  readonly pause: (ms: number) => Promise<void>;
  /** Makes the member rejoin the group now. */
  readonly rejoin: (err: Error) => void;
}

/**
 * kafkajs' `eachBatch` for one subscriber: hands the fetched batch in slices of `maxBatchRecords` to the
 * handler (through `runBatch`: retries with back-off, poison isolation), then resolves and commits each
 * slice's last offset.
 */
function createBatchRunner(d: BatchRunnerDeps) {
  // kafkajs errors stay unwrapped here: its runner decides from them whether to rejoin or restart. A
  // failure it would not recover from makes this member rejoin now (the batch is handed again after it).
  async function toCoordinator(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      if (!d.isClosed() && needsRejoin(err)) d.rejoin(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  function commit(topic: string, partition: number, lastOffset: string): Promise<void> {
    const offset = (BigInt(lastOffset) + 1n).toString();
    return toCoordinator(() => d.consumer.commitOffsets([{ topic, partition, offset }]));
  }

  async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (!d.isClosed() && Date.now() < until) {
      await d.pause(Math.min(1_000, until - Date.now()));
      await heartbeat();
    }
  }

  return async function eachBatch(
    handler: SubscriberHandler,
    poison: PoisonPolicy | undefined,
    payload: EachBatchPayload,
  ): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const heartbeat = (): Promise<void> => toCoordinator(() => payload.heartbeat());
    const isStale = (): boolean => d.isClosed() || payload.isStale();
    const ctx = { topic: batch.topic, partition: batch.partition, heartbeat, isStale };
    const { maxBatchRecords, tracker } = d;
    // a fetched batch is handed in slices: the handler's work (decoded events, scripts) is bounded by the
    // slice, not by how many records a compressed fetch held
    for (let i = 0; i < batch.messages.length; i += maxBatchRecords) {
      const slice = batch.messages.slice(i, i + maxBatchRecords);
      const records = slice.map((m) => toRecord(batch, m));
      const first = records[0]?.offset ?? '0';
      const progress = tracker.begin(batch.topic, batch.partition, first);
      try {
        const done = await runBatch({
          records,
          handler,
          ctx,
          poison,
          progress,
          tracker,
          stopped: () => !payload.isRunning() || isStale(),
          backOff: (attempt) =>
            sleepWithHeartbeat(backoffDelay(attempt, d.retryDelayMs, d.maxRetryDelayMs), heartbeat),
          log: d.log,
        });
        if (!done || isStale()) return;
      } finally {
        tracker.end(progress);
      }
      const last =
        i + maxBatchRecords >= batch.messages.length ? batch.lastOffset() : slice[slice.length - 1]!.offset;
      payload.resolveOffset(last);
      await commit(batch.topic, batch.partition, last);
      await heartbeat();
    }
  };
}

/**
 * A Kafka {@link Subscriber}: one consumer-group member reading with `eachBatch`, auto-commit off. A
 * partition's offset is committed only after the handler resolved for its records. When the handler
 * rejects, nothing is committed and the same records are handed again after an exponential back-off
 * (heartbeats keep the membership), until they succeed, the partition is revoked, or the subscriber closes;
 * with a {@link PoisonPolicy}, a record error isolates the failing record (see `runBatch`), so the rest of
 * the partition moves on. `stalled()` reports partitions whose batch makes no progress.
 */
export function createKafkaSubscriber(options: KafkaSubscriberOptions): Subscriber {
  if (options.topics.length === 0) {
    throw busError(BusErrorCode.invalidOptions, `subscriber ${options.groupId} needs at least one topic`);
  }
  const log = options.log.child({ component: 'kafka-subscriber', groupId: options.groupId });
  let closed = false;
  const sockets = createSocketTracker();
  const consumer = newConsumer(options, sockets);
  let started: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let recovery: ConsumerRecovery | undefined;
  const abort = new AbortController();
  const tracker = createProgressTracker();

  /** Sleeps `ms`, cut short by close(). */
  async function pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: abort.signal }).catch((err: unknown) => {
      if (!abort.signal.aborted) throw err;
    });
  }

  const eachBatch = createBatchRunner({
    consumer,
    log,
    tracker,
    maxBatchRecords: Math.max(1, options.maxBatchRecords ?? 1000),
    retryDelayMs: options.retryDelayMs ?? 200,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    isClosed: () => closed,
    pause,
    rejoin: (err) => recovery?.rejoin(err),
  });

  async function runConsumer(handler: SubscriberHandler, poison?: PoisonPolicy): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
      eachBatch: (payload) => eachBatch(handler, poison, payload),
    });
  }

  async function doStart(handler: SubscriberHandler, poison?: PoisonPolicy): Promise<void> {
    recovery = watchConsumer({
      consumer,
      log,
      run: () => runConsumer(handler, poison),
      isClosed: () => closed,
      pause,
      ...(options.onCrash === undefined ? {} : { onCrash: options.onCrash }),
    });
    try {
      await runConsumer(handler, poison);
    } catch (err) {
      throw busError(
        BusErrorCode.subscribeFailed,
        `subscribing ${options.groupId} to ${options.topics.join(',')} failed`,
        err,
        'retry',
      );
    }
    log.debug({ topics: options.topics }, 'subscriber joined the group');
  }

  async function doClose(): Promise<void> {
    closed = true;
    abort.abort();
    // A failed start was already reported to its caller; close only has to release what exists.
    await started?.catch(() => undefined);
    await consumer.disconnect();
    const leaked = sockets.release();
    if (leaked > 0) log.debug({ sockets: leaked }, 'closed sockets kafkajs left open');
    await admin?.close();
  }

  let admin: BusAdmin | undefined;
  async function lag(): Promise<number> {
    if (closed) throw busError(BusErrorCode.closed, 'subscriber is closed');
    admin ??= createKafkaAdmin({ ...options, clientId: `${options.clientId}-lag` });
    let total = 0;
    for (const topic of options.topics) total += await admin.groupLag(options.groupId, topic);
    return total;
  }

  return {
    start: (handler, poison) => {
      if (closed) return Promise.reject(busError(BusErrorCode.closed, 'subscriber is closed'));
      return (started ??= doStart(handler, poison));
    },
    stalled: (olderThanMs) => tracker.stalled(olderThanMs),
    close: () => (closing ??= doClose()),
    lag,
  };
}
