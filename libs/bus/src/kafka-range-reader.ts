import { randomBytes } from 'node:crypto';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { busError, BusErrorCode } from './errors.js';
import { createKafkaAdmin } from './kafka-admin.js';
import { createKafkaClient, headersToStrings, type KafkaConnectionOptions } from './kafka-client.js';
import type { BusRecord } from './types.js';

/** Options of {@link createKafkaRangeReader}. */
export interface KafkaRangeReaderOptions extends KafkaConnectionOptions {
  readonly topic: string;
  /** Per partition, the first offset to read. */
  readonly start: ReadonlyMap<number, bigint | string>;
  /** Per partition, the offset to stop before (exclusive); every partition of `start` needs one. */
  readonly end: ReadonlyMap<number, bigint | string>;
  /** The temporary consumer group (default: `<clientId>-range-<time>-<random>`); deleted at the end. */
  readonly groupId?: string;
  /** Longest wait of one fetch when there is no data (default 200 ms). */
  readonly maxWaitTimeMs?: number;
}

/** Called with records of one partition, all inside its range, in offset order; the next batch waits for it. */
export type RangeBatchHandler = (records: readonly BusRecord[], partition: number) => Promise<void>;

/** Reads fixed offset ranges of one topic once. */
export interface RangeReader {
  /** The temporary consumer group used for fetching (nothing is ever committed to it). */
  readonly groupId: string;
  /**
   * Hands every record of `[start, end)` of each partition to `handler`, then leaves and deletes the
   * temporary group. Resolves `'done'`, or `'stopped'` after `stop()`/`close()` (once the batch being
   * handled finished); rejects with the handler's error (no retry) or a `BUS_SUBSCRIBE_FAILED`.
   */
  run(handler: RangeBatchHandler): Promise<'done' | 'stopped'>;
  /** Stops after the batch being handled. */
  stop(): void;
  /**
   * Records handed to the handler; fetched records dropped because they lay before a partition's next
   * offset (0 when the seek took effect) or at/after its end (a fetch returns whole batches).
   */
  stats(): { readonly handed: number; readonly before: number; readonly after: number };
  /** Stops, leaves and deletes the temporary group. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  next: bigint;
  readonly end: bigint;
}

function pendingRanges(options: KafkaRangeReaderOptions): Map<number, Pending> {
  const pending = new Map<number, Pending>();
  for (const [partition, start] of options.start) {
    const end = options.end.get(partition);
    if (end === undefined)
      throw busError(BusErrorCode.invalidOptions, `range of partition ${partition}: no end offset`);
    if (BigInt(end) > BigInt(start)) pending.set(partition, { next: BigInt(start), end: BigInt(end) });
  }
  return pending;
}

/**
 * A {@link RangeReader} on a kafkajs consumer of a group of its own: it seeks each partition to its start
 * right after joining, filters by offset (a fetch that raced the seek hands nothing twice), pauses a
 * partition at its end and stops when all reached theirs. Auto-commit is off: the group never has offsets,
 * and it is deleted at the end. Partitions with `start == end` are never read; with none left, `run`
 * resolves without connecting.
 */
export function createKafkaRangeReader(options: KafkaRangeReaderOptions): RangeReader {
  const pending = pendingRanges(options);
  const { topic } = options;
  const groupId =
    options.groupId ?? `${options.clientId}-range-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const log = options.log.child({ component: 'kafka-range-reader', groupId });
  let consumer: Consumer | undefined;
  let stopped = false;
  let settle: ((how: 'done' | 'stopped' | Error) => void) | undefined;
  let closing: Promise<void> | undefined;
  const counts = { handed: 0, before: 0, after: 0 };

  const toRecord = (partition: number, m: EachBatchPayload['batch']['messages'][number]): BusRecord => ({
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString('utf8'),
    value: m.value,
    headers: headersToStrings(m.headers),
    timestamp: Number(m.timestamp),
  });

  /** Moves a partition past `lastOffset`; pauses it and maybe finishes the run at its end. */
  function advance(partition: number, lastOffset: string): void {
    const part = pending.get(partition);
    if (part === undefined) return;
    const next = BigInt(lastOffset) + 1n;
    if (next > part.next) part.next = next;
    if (part.next < part.end) return;
    pending.delete(partition);
    consumer?.pause([{ topic, partitions: [partition] }]);
    if (pending.size === 0) settle?.('done');
  }

  async function eachBatch(handler: RangeBatchHandler, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const part = pending.get(batch.partition);
    if (stopped || part === undefined || payload.isStale()) return;
    const records = batch.messages
      .filter((m) => BigInt(m.offset) >= part.next && BigInt(m.offset) < part.end)
      .map((m) => toRecord(batch.partition, m));
    counts.handed += records.length;
    counts.before += batch.messages.filter((m) => BigInt(m.offset) < part.next).length;
    counts.after += batch.messages.filter((m) => BigInt(m.offset) >= part.end).length;
    if (records.length > 0) {
      try {
        await handler(records, batch.partition);
      } catch (err) {
        stopped = true;
        settle?.(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    advance(batch.partition, batch.lastOffset());
  }

  async function begin(c: Consumer, handler: RangeBatchHandler): Promise<void> {
    let assigned: number[] = [];
    c.on(c.events.GROUP_JOIN, ({ payload }) => {
      assigned = payload.memberAssignment[topic] ?? [];
    });
    c.on(c.events.CRASH, ({ payload }) => {
      if (!stopped)
        settle?.(busError(BusErrorCode.subscribeFailed, `reading ${topic} failed`, payload.error));
    });
    // batches emptied by compaction or control records never reach eachBatch, only this event
    c.on(c.events.END_BATCH_PROCESS, ({ payload }) => advance(payload.partition, payload.lastOffset));
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({ autoCommit: false, eachBatch: (payload) => eachBatch(handler, payload) });
    // run() resolved after joining, before any fetch could complete: seeks apply to the first fetch
    const unknown = [...pending.keys()].filter((p) => !assigned.includes(p));
    if (unknown.length > 0)
      throw busError(BusErrorCode.invalidOptions, `${topic} has no partition ${unknown.join(',')}`);
    const idle = assigned.filter((p) => !pending.has(p));
    for (const [partition, part] of pending) c.seek({ topic, partition, offset: part.next.toString() });
    if (idle.length > 0) c.pause([{ topic, partitions: idle }]);
    log.debug({ partitions: pending.size, idle: idle.length }, 'range reader started');
  }

  function newConsumer(): Consumer {
    return createKafkaClient(options).consumer({
      groupId,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 200,
      allowAutoTopicCreation: false,
      metadataMaxAge: 10_000,
      retry: {
        retries: 5,
        initialRetryTime: 300,
        maxRetryTime: 5_000,
        restartOnFailure: () => Promise.resolve(false),
      },
    });
  }

  async function doClose(): Promise<void> {
    stopped = true;
    settle?.('stopped');
    if (consumer === undefined) return;
    await consumer.disconnect();
    log.debug(counts, 'range reader finished');
    const admin = createKafkaAdmin({ ...options, clientId: `${options.clientId}-range-admin` });
    try {
      await admin.deleteGroup(groupId);
    } catch (err) {
      // the read itself is complete; an empty group without offsets is only clutter on the broker
      log.warn({ err, groupId }, 'could not delete the temporary consumer group');
    } finally {
      await admin.close();
    }
  }

  async function run(handler: RangeBatchHandler): Promise<'done' | 'stopped'> {
    if (stopped) return 'stopped';
    if (pending.size === 0) return 'done';
    if (consumer !== undefined) throw busError(BusErrorCode.invalidOptions, 'a range reader runs once');
    const outcome = new Promise<'done' | 'stopped' | Error>((resolve) => {
      settle = resolve;
    });
    const c = (consumer = newConsumer());
    try {
      await begin(c, handler);
    } catch (err) {
      settle?.(busError(BusErrorCode.subscribeFailed, `reading ${topic} failed`, err));
    }
    const how = await outcome;
    stopped = true;
    await (closing ??= doClose());
    if (how instanceof Error) throw how;
    return how;
  }

  return {
    groupId,
    run,
    stop() {
      stopped = true;
      settle?.('stopped');
    },
    stats: () => ({ ...counts }),
    close: () => (closing ??= doClose()),
  };
}
