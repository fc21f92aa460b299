import {
  CompressionTypes,
  Partitioners,
  type ICustomPartitioner,
  type Message,
  type Producer,
  type RecordMetadata,
  type TopicMessages,
} from 'kafkajs';
import type { Logger } from '@kube-herald/logging';
import { busError, BusErrorCode } from './errors.js';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-client.js';
import { installRecordEncoding } from './record-encoding.js';
import type { BusMessage, Publisher } from './types.js';

/** Options of {@link createKafkaPublisher}. */
export interface KafkaPublisherOptions extends KafkaConnectionOptions {
  /**
   * Batch compression (default `zstd`: far less CPU than `gzip` for smaller batches; any Kafka client since
   * 2.1 reads it, brokers since 2.1 store it).
   */
  readonly compression?: KafkaCompression;
  /**
   * Batches with fewer bytes of keys, values and headers than this go uncompressed (default 0: all are
   * compressed). A batch of one or two events gains a few hundred bytes from zstd but costs a compression
   * context each: at a steady few hundred events/s that was the largest part of a publisher's CPU.
   */
  readonly compressMinBytes?: number;
  /** Messages published within this window are sent as one batch (default 5 ms). */
  readonly lingerMs?: number;
  /** A batch is sent at once when it holds this many messages (default 500). */
  readonly maxBatch?: number;
  /** ... or this many bytes of keys, values and headers (default 512 KiB). */
  readonly maxBatchBytes?: number;
  /** Retries of one send before `publish` rejects with `BUS_PUBLISH_FAILED` (default 8, about a minute). */
  readonly retries?: number;
  /** How long the broker may wait for the in-sync replicas' acknowledgement (default 30 000 ms). */
  readonly ackTimeoutMs?: number;
  /** Largest key + value + headers accepted by `publish` (default 1 000 000; the broker allows ~1 MiB). */
  readonly maxMessageBytes?: number;
}

/** Compression of the batches a publisher sends. */
export type KafkaCompression = 'zstd' | 'gzip' | 'none';

const COMPRESSION: Readonly<Record<KafkaCompression, CompressionTypes>> = {
  zstd: CompressionTypes.ZSTD,
  gzip: CompressionTypes.GZIP,
  none: CompressionTypes.None,
};

interface Pending {
  readonly topic: string;
  readonly messages: readonly Message[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

function byteSize(m: BusMessage): number {
  let size = (m.key === null ? 0 : Buffer.byteLength(m.key)) + Buffer.byteLength(m.value);
  const headers = m.headers ?? {};
  for (const name in headers) size += Buffer.byteLength(name) + Buffer.byteLength(headers[name] ?? '');
  return size;
}

/** Whether kafkajs gave up on something that may work later (vs. a request the broker will always refuse). */
function isRetriable(err: unknown): boolean {
  let e: unknown = err;
  while (e instanceof Error) {
    if (e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSConnectionError') return true;
    if ('retriable' in e && e.retriable === true) return true;
    e = e.cause;
  }
  return false;
}

// Answers after which the broker will refuse every later send of this producer id: kafkajs treats them as
// final, so only a new producer (new id, sequences from 0) gets the partition going again.
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'DUPLICATE_SEQUENCE_NUMBER',
]);

/** A send that kafkajs reported as complete although some partitions of the batch got no answer. */
class UnwrittenPartitionsError extends Error {
  override readonly name = 'UnwrittenPartitionsError';
}

/** Whether the send failed because of the producer's id/epoch/sequence state (vs. the cluster's). */
function needsNewProducer(err: unknown): boolean {
  let e: unknown = err;
  while (e instanceof Error) {
    if (e instanceof UnwrittenPartitionsError) return true;
    if ('type' in e && typeof e.type === 'string' && PRODUCER_STATE_ERRORS.has(e.type)) return true;
    e = e.cause;
  }
  return false;
}

// Resends of one batch with a new producer before its callers get the failure.
const MAX_RESENDS = 3;

// Keys whose partition is remembered (per producer); cleared when full.
const PARTITION_MEMO_SIZE = 50_000;

const partitionId = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The partitions a keyed message was routed to that are missing from a send's answer. kafkajs 2.2.4 retries
 * by broker: a broker that answered an earlier attempt is skipped, so a partition whose leader moved to it
 * in between is never sent and the send still resolves.
 */
function unwrittenPartitions(routed: ReadonlySet<string>, answer: readonly RecordMetadata[]): string[] {
  const answered = new Set(answer.map((r) => partitionId(r.topicName, r.partition)));
  return [...routed].filter((p) => !answered.has(p)).map((p) => p.replace('\u0000', '/'));
}

/** The kafkajs message for `m`, and its size in bytes (key, value, headers). */
function toKafkaMessage(topic: string, m: BusMessage, maxBytes: number): [Message, number] {
  if (m.key !== null && typeof m.key !== 'string') {
    throw busError(BusErrorCode.invalidMessage, `message key for ${topic} must be a string or null`);
  }
  if (typeof m.value !== 'string' && !Buffer.isBuffer(m.value)) {
    throw busError(BusErrorCode.invalidMessage, `message value for ${topic} must be a string or Buffer`);
  }
  const size = byteSize(m);
  if (size > maxBytes) {
    // Rejected here, so that one oversized message does not fail the other callers sharing its batch.
    throw busError(
      BusErrorCode.invalidMessage,
      `message for ${topic} has ${size} bytes, more than maxMessageBytes ${maxBytes}`,
      undefined,
      'permanent',
    );
  }
  // kafkajs only reads a message: without a timestamp to convert (or a stray `partition` it would obey),
  // the caller's object is passed as it is — one object less per record to keep until it is acknowledged.
  if (m.timestamp === undefined && !('partition' in m)) return [m as Message, size];
  const message: Message = { key: m.key, value: m.value, timestamp: String(m.timestamp) };
  if (m.headers !== undefined) message.headers = m.headers;
  return [message, size];
}

/** Encodes `messages` for kafkajs (see {@link toKafkaMessage}); their total size in bytes. */
function encodeAll(topic: string, messages: readonly BusMessage[], maxBytes: number): [Message[], number] {
  const converted = new Array<Message>(messages.length);
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const [message, size] = toKafkaMessage(topic, messages[i] as BusMessage, maxBytes);
    converted[i] = message;
    bytes += size;
  }
  return [converted, bytes];
}

/**
 * The partitioner kafkajs creates per producer: the Java client's murmur2 partitioner (same key, same
 * partition as any other Kafka client), remembering each keyed message's partition in `routed`.
 */
function trackingPartitioner(routed: Set<string>): ICustomPartitioner {
  return () => {
    const partition = Partitioners.DefaultPartitioner();
    // Its answer for a string key depends only on the key and the partition count: remembered, so a
    // busy object's key is hashed once, not once per message.
    const memo = new Map<string, number>();
    return (args) => {
      const { key, partition: explicit } = args.message;
      if (key === null || key === undefined) return partition(args);
      let chosen: number | undefined;
      const memoKey =
        typeof key === 'string' && explicit == null ? `${args.partitionMetadata.length}/${key}` : '';
      if (memoKey) chosen = memo.get(memoKey);
      if (chosen === undefined) {
        chosen = partition(args);
        if (memoKey) {
          if (memo.size >= PARTITION_MEMO_SIZE) memo.clear();
          memo.set(memoKey, chosen);
        }
      }
      routed.add(partitionId(args.topic, chosen));
      return chosen;
    };
  };
}

/** Sends one batch and settles its callers' promises. */
interface BatchSender {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: readonly Pending[], bytes: number): Promise<void>;
}

/**
 * The producer side of a publisher: an idempotent producer, `acks: -1`; after a failed send the next one
 * uses a new producer. Callers send one batch at a time.
 */
function createBatchSender(options: KafkaPublisherOptions, log: Logger): BatchSender {
  const compression = COMPRESSION[options.compression ?? 'zstd'];
  const compressMinBytes = options.compressMinBytes ?? 0;
  const client = createKafkaClient(options);
  // Partitions the keyed messages of the send in progress were routed to (one send at a time).
  const routed = new Set<string>();
  const newProducer = (): Producer =>
    client.producer({
      createPartitioner: trackingPartitioner(routed),
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      metadataMaxAge: 10_000,
      retry: { retries: options.retries ?? 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  let producer = newProducer();
  // After a failed send the producer's sequence numbers may disagree with what the brokers wrote (a write
  // that landed without its answer): a later batch would then be refused (OUT_OF_ORDER_SEQUENCE_NUMBER,
  // for good) or, with the same count, dropped as a duplicate. So the next send uses a new producer.
  let renew = false;

  async function renewProducer(): Promise<void> {
    const old = producer;
    producer = newProducer();
    await old.disconnect().catch((err: unknown) => {
      log.warn({ err }, 'disconnecting the replaced producer failed');
    });
    await producer.connect();
    renew = false;
    log.warn('publisher replaced its producer (new producer id) after a failed send');
  }

  async function send(topicMessages: TopicMessages[], bytes: number): Promise<void> {
    if (renew) await renewProducer();
    routed.clear();
    const answer = await producer.sendBatch({
      topicMessages,
      acks: -1,
      compression: bytes < compressMinBytes ? CompressionTypes.None : compression,
      timeout: options.ackTimeoutMs ?? 30_000,
    });
    const missing = unwrittenPartitions(routed, answer);
    if (missing.length > 0) {
      throw new UnwrittenPartitionsError(`no answer for partition(s) ${missing.join(', ')}`);
    }
  }

  // On a producer-state failure, resends the same batch at once with a new producer, so the batches queued
  // behind it keep their order.
  async function sendBatch(batch: readonly Pending[], bytes: number): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic) ?? [];
      list.push(...p.messages);
      byTopic.set(p.topic, list);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const count = batch.reduce((n, p) => n + p.messages.length, 0);
    for (let resend = 0; ; resend += 1) {
      try {
        await send(topicMessages, bytes);
        for (const p of batch) p.resolve();
        return;
      } catch (err) {
        renew = true;
        const again = needsNewProducer(err) && resend < MAX_RESENDS;
        log.warn({ err, topics: [...byTopic.keys()], count, resend, again }, 'publishing a batch failed');
        if (again) continue;
        const wrapped = busError(
          BusErrorCode.publishFailed,
          `publishing ${count} message(s) to ${[...byTopic.keys()].join(',')} failed`,
          err,
          isRetriable(err) || needsNewProducer(err) ? 'retry' : 'permanent',
        );
        for (const p of batch) p.reject(wrapped);
        return;
      }
    }
  }

  return { connect: () => producer.connect(), disconnect: () => producer.disconnect(), sendBatch };
}

/** Linger batching in front of a {@link BatchSender}. */
interface LingerQueue {
  /** Queues encoded messages; resolves or rejects with the batch that carries them. */
  enqueue(topic: string, messages: Message[], bytes: number): Promise<void>;
  /** Sends what is queued now; resolves when every batch handed over so far has settled. */
  flush(): Promise<void>;
}

/**
 * Messages queued within `lingerMs` go out as one batch, at once when it holds `maxBatch` messages or
 * `maxBatchBytes`; one batch in flight at a time, which keeps the order of publish calls.
 */
function createLingerQueue(
  limits: { readonly lingerMs: number; readonly maxBatch: number; readonly maxBatchBytes: number },
  sender: BatchSender,
): LingerQueue {
  let queue: Pending[] = [];
  let queued = 0;
  let queuedBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return sending;
    const batch = queue;
    const bytes = queuedBytes;
    queue = [];
    queued = 0;
    queuedBytes = 0;
    // One batch in flight at a time: keeps the order of publish calls and the idempotent sequence simple.
    sending = sending.then(() => sender.sendBatch(batch, bytes));
    return sending;
  }

  function enqueue(topic: string, messages: Message[], bytes: number): Promise<void> {
    // Keep a batch under the broker's request limits: what is queued goes first if this would overflow it.
    if (queued > 0 && queuedBytes + bytes > limits.maxBatchBytes) void flush();
    return new Promise<void>((resolve, reject) => {
      queue.push({ topic, messages, resolve, reject });
      queued += messages.length;
      queuedBytes += bytes;
      if (queued >= limits.maxBatch || queuedBytes >= limits.maxBatchBytes) void flush();
      else timer ??= setTimeout(() => void flush(), limits.lingerMs);
    });
  }

  return { enqueue, flush };
}

/**
 * A Kafka {@link Publisher}: idempotent producer, `acks: -1` (all in-sync replicas), zstd, and
 * linger batching — messages published within `lingerMs` go out as one `sendBatch`, and each caller's
 * promise settles with the batch that carried its messages. Batches are sent one at a time, so the order
 * of `publish` calls is the order on each partition.
 */
export function createKafkaPublisher(options: KafkaPublisherOptions): Publisher {
  const log = options.log.child({ component: 'kafka-publisher' });
  const maxMessageBytes = options.maxMessageBytes ?? 1_000_000;
  const sender = createBatchSender(options, log);
  const limits = {
    lingerMs: options.lingerMs ?? 5,
    maxBatch: options.maxBatch ?? 500,
    maxBatchBytes: options.maxBatchBytes ?? 512 * 1024,
  };
  const queue = createLingerQueue(limits, sender);
  let state: 'new' | 'starting' | 'started' | 'closed' = 'new';
  let starting: Promise<void> | undefined;
  let closing: Promise<void> | undefined;

  function publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (state === 'closed') return Promise.reject(busError(BusErrorCode.closed, 'publisher is closed'));
    if (state !== 'started') {
      return Promise.reject(busError(BusErrorCode.notStarted, 'publisher.start() has not completed'));
    }
    if (messages.length === 0) return Promise.resolve();
    let encoded: [Message[], number];
    try {
      encoded = encodeAll(topic, messages, maxMessageBytes);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return queue.enqueue(topic, encoded[0], encoded[1]);
  }

  async function doStart(): Promise<void> {
    state = 'starting';
    try {
      await sender.connect();
      state = 'started';
      log.debug({ brokers: options.brokers }, 'publisher connected');
      if (!installRecordEncoding()) {
        log.warn(
          "kafkajs' own record encoding is in use (about a third more CPU per record): see record-encoding.ts",
        );
      }
    } catch (err) {
      state = 'new';
      starting = undefined;
      throw busError(BusErrorCode.publishFailed, 'publisher could not connect to Kafka', err, 'retry');
    }
  }

  async function doClose(): Promise<void> {
    const wasStarted = state === 'started';
    state = 'closed';
    await starting?.catch(() => undefined);
    await queue.flush();
    if (wasStarted || starting) await sender.disconnect();
  }

  return {
    start: () => {
      if (state === 'closed') return Promise.reject(busError(BusErrorCode.closed, 'publisher is closed'));
      return (starting ??= doStart());
    },
    publish,
    close: () => (closing ??= doClose()),
  };
}
