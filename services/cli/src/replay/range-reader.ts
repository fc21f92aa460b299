import { createKafkaSubscriber, type BusRecord, type KafkaConnectionOptions } from '@kube-herald/bus';

/** One partition's half-open offset range `[start, end)` to read. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** Options of {@link createRangeReader}. */
export interface RangeReaderOptions extends KafkaConnectionOptions {
  readonly topic: string;
  readonly ranges: readonly PartitionRange[];
  /** A consumer group of its own (never the live notifier's group), e.g. `kube-herald-replay-<time>`. */
  readonly groupId: string;
}

/** Called with the records of one partition that lie in its range; the next batch waits for it. */
export type RangeHandler = (records: readonly BusRecord[], partition: number) => Promise<void>;

/** Reads fixed offset ranges of a topic once. */
export interface RangeReader {
  /** Resolves when every range was handed to the handler, or `stop()` was called, or it failed. */
  run(handler: RangeHandler): Promise<'done' | 'stopped'>;
  /** Stops after the batch being handled (nothing half-done). */
  stop(): void;
  /** Idempotent. */
  close(): Promise<void>;
}

/**
 * Reads `[start, end)` of each partition through a consumer group of its own that starts at the
 * oldest record and skips what lies before the range: the live group's offsets are never touched.
 * A handler error ends the run with that error (a replay does not retry forever).
 */
export function createRangeReader(options: RangeReaderOptions): RangeReader {
  const pending = new Map<number, PartitionRange>();
  for (const r of options.ranges) if (r.end > r.start) pending.set(r.partition, r);
  const subscriber = createKafkaSubscriber({
    ...options,
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: true,
    maxWaitTimeMs: 200,
  });
  let stopped = false;
  let finish: ((how: 'done' | 'stopped') => void) | undefined;
  let fail: ((err: unknown) => void) | undefined;
  let closing: Promise<void> | undefined;

  const handle = async (records: readonly BusRecord[], handler: RangeHandler): Promise<void> => {
    const first = records[0];
    if (stopped || first === undefined) return;
    const range = pending.get(first.partition);
    if (range === undefined) return;
    const inRange = records.filter((r) => BigInt(r.offset) >= range.start && BigInt(r.offset) < range.end);
    try {
      if (inRange.length > 0) await handler(inRange, first.partition);
    } catch (err) {
      stopped = true;
      fail?.(err);
      return;
    }
    const last = records[records.length - 1];
    if (last !== undefined && BigInt(last.offset) + 1n >= range.end) pending.delete(first.partition);
    if (pending.size === 0) finish?.('done');
  };

  return {
    run(handler) {
      return new Promise<'done' | 'stopped'>((resolve, reject) => {
        finish = resolve;
        fail = reject;
        if (pending.size === 0) return resolve('done');
        subscriber.start((records) => handle(records, handler)).catch(reject);
      });
    },
    stop() {
      stopped = true;
      finish?.('stopped');
    },
    close: () => (closing ??= subscriber.close()),
  };
}
