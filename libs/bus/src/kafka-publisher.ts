import { CompressionTypes, type Message } from 'kafkajs';
import { createDirectSender, type BatchSender, type Pending } from './direct-sender.js';
import { busError, BusErrorCode } from './errors.js';
import type { KafkaConnectionOptions } from './kafka-client.js';
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

function byteSize(m: BusMessage): number {
  let size = (m.key === null ? 0 : Buffer.byteLength(m.key)) + Buffer.byteLength(m.value);
  const headers = m.headers ?? {};
  for (const name in headers) size += Buffer.byteLength(name) + Buffer.byteLength(headers[name] ?? '');
  return size;
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
  const sender = createDirectSender(
    {
      ...options,
      compression: COMPRESSION[options.compression ?? 'zstd'],
      compressMinBytes: options.compressMinBytes ?? 0,
      retries: options.retries ?? 8,
      ackTimeoutMs: options.ackTimeoutMs ?? 30_000,
    },
    log,
  );
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
