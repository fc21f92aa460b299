import { setTimeout as sleep } from 'node:timers/promises';
import type { Batch, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { backoffDelay } from './backoff.js';
import { watchConsumer } from './consumer-recovery.js';
import { busError, BusErrorCode } from './errors.js';
import { createKafkaAdmin, type BusAdmin } from './kafka-admin.js';
import { createKafkaClient, headersToStrings, type KafkaConnectionOptions } from './kafka-client.js';
import type { BusRecord, Subscriber, SubscriberHandler, SubscriberOptions } from './types.js';

/** Options of {@link createKafkaSubscriber}. */
export interface KafkaSubscriberOptions extends KafkaConnectionOptions, SubscriberOptions {
  /** Partitions handled in parallel by this member (default 1). */
  readonly partitionsConcurrently?: number;
  /** Session timeout of the group member (default 30 000 ms). */
  readonly sessionTimeoutMs?: number;
  /** Longest wait of one fetch when there is no data (default 500 ms). */
  readonly maxWaitTimeMs?: number;
  /** Bytes fetched per partition and request (default 1 MiB). */
  readonly maxBytesPerPartition?: number;
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

/**
 * A Kafka {@link Subscriber}: one consumer-group member reading with `eachBatch`, auto-commit off. A
 * partition's offset is committed only after the handler resolved for its records. When the handler
 * rejects, nothing is committed and the same records are handed again after an exponential back-off
 * (heartbeats keep the membership), until they succeed, the partition is revoked, or the subscriber closes.
 */
export function createKafkaSubscriber(options: KafkaSubscriberOptions): Subscriber {
  if (options.topics.length === 0) {
    throw busError(BusErrorCode.invalidOptions, `subscriber ${options.groupId} needs at least one topic`);
  }
  const log = options.log.child({ component: 'kafka-subscriber', groupId: options.groupId });
  const retryDelayMs = options.retryDelayMs ?? 200;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  let closed = false;
  const consumer: Consumer = createKafkaClient(options).consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
    allowAutoTopicCreation: false,
    // kafkajs fetches from a dead leader until its metadata expires (default 5 min): re-read it often.
    metadataMaxAge: 10_000,
    retry: {
      retries: 10,
      initialRetryTime: 300,
      maxRetryTime: 10_000,
      // Crashes are handled by watchConsumer (one loop, none after close), never by kafkajs' restart timer.
      restartOnFailure: () => Promise.resolve(false),
    },
  });
  let started: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const abort = new AbortController();

  // kafkajs errors stay unwrapped here: its runner decides from them whether to rejoin or restart.
  function commit(topic: string, partition: number, lastOffset: string): Promise<void> {
    const offset = (BigInt(lastOffset) + 1n).toString();
    return consumer.commitOffsets([{ topic, partition, offset }]);
  }

  async function eachBatch(handler: SubscriberHandler, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const records = batch.messages.map((m) => toRecord(batch, m));
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const isStale = (): boolean => closed || payload.isStale();
    const isRunning = (): boolean => payload.isRunning();
    const ctx = { topic: batch.topic, partition: batch.partition, heartbeat, isStale };
    for (let attempt = 0; ; attempt += 1) {
      if (!isRunning() || isStale() || closed) return;
      try {
        await handler(records, ctx);
        break;
      } catch (err) {
        const delay = backoffDelay(attempt, retryDelayMs, maxRetryDelayMs);
        log.warn(
          {
            err,
            topic: batch.topic,
            partition: batch.partition,
            firstOffset: batch.firstOffset(),
            attempt,
            delay,
          },
          'handler failed; retrying the same records after back-off',
        );
        await sleepWithHeartbeat(delay, heartbeat);
      }
    }
    if (isStale()) return;
    payload.resolveOffset(batch.lastOffset());
    await commit(batch.topic, batch.partition, batch.lastOffset());
    await heartbeat();
  }

  /** Sleeps `ms`, cut short by close(). */
  async function pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: abort.signal }).catch((err: unknown) => {
      if (!abort.signal.aborted) throw err;
    });
  }

  async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (!closed && Date.now() < until) {
      await pause(Math.min(1_000, until - Date.now()));
      await heartbeat();
    }
  }

  async function runConsumer(handler: SubscriberHandler): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
      eachBatch: (payload) => eachBatch(handler, payload),
    });
  }

  async function doStart(handler: SubscriberHandler): Promise<void> {
    watchConsumer({
      consumer,
      log,
      run: () => runConsumer(handler),
      isClosed: () => closed,
      pause,
      ...(options.onCrash === undefined ? {} : { onCrash: options.onCrash }),
    });
    try {
      await runConsumer(handler);
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
    start: (handler) => {
      if (closed) return Promise.reject(busError(BusErrorCode.closed, 'subscriber is closed'));
      return (started ??= doStart(handler));
    },
    close: () => (closing ??= doClose()),
    lag,
  };
}
