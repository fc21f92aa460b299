/** A message to publish. `timestamp` is epoch milliseconds (the broker's append time is used when absent). */
export interface BusMessage {
  readonly key: string | null;
  readonly value: Buffer | string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timestamp?: number;
}

/** A record read from a topic. `offset` is a decimal string (64-bit). */
export interface BusRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

/** Publishes messages; `publish` resolves once every message is acknowledged by all in-sync replicas. */
export interface Publisher {
  start(): Promise<void>;
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  /** Flushes what is pending, then disconnects. Idempotent. */
  close(): Promise<void>;
}

/** What a handler gets besides its records (all from one topic-partition). */
export interface HandlerContext {
  readonly topic: string;
  readonly partition: number;
  /** Keeps group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** True when this partition was taken away (rebalance, seek, close): stop work, nothing will be committed. */
  isStale(): boolean;
}

/**
 * Processes a batch of one partition. The partition's offset is committed only after it resolves; if it
 * rejects, the same records are delivered again after a back-off (never skipped).
 */
export type SubscriberHandler = (records: readonly BusRecord[], ctx: HandlerContext) => Promise<void>;

/**
 * How a subscriber takes a record that keeps failing out of its partition, so that no record can stall it.
 * After a batch failed with an error `isRecordError` accepts, its records are handled one at a time; a
 * record that fails `maxAttempts` times that way is handed to `onPoison` (e.g. published to a DLQ) and
 * counts as processed once that resolves. Other errors (an outage) retry the same records with back-off.
 */
export interface PoisonPolicy {
  /** Attempts of one record on its own before it is given up (default 3). */
  readonly maxAttempts?: number;
  /** True when the error may come from the records themselves rather than from a dependency being down. */
  readonly isRecordError: (err: unknown) => boolean;
  /** Takes a given-up record out of the partition; a rejection is retried like an outage. */
  readonly onPoison: (record: BusRecord, err: unknown, attempts: number) => Promise<void>;
}

/** A partition whose current batch has made no progress for a while (see {@link Subscriber.stalled}). */
export interface StalledPartition {
  readonly topic: string;
  readonly partition: number;
  /** First offset not yet processed. */
  readonly offset: string;
  /** Epoch ms of the last progress (batch start, or the last record processed). */
  readonly since: number;
  /** Failed handler calls since then. */
  readonly failures: number;
}

/** A member of a consumer group. */
export interface Subscriber {
  start(handler: SubscriberHandler, poison?: PoisonPolicy): Promise<void>;
  /** Partitions whose batch in progress has made no progress for `olderThanMs` or more. */
  stalled?(olderThanMs: number): StalledPartition[];
  /** Stops fetching, waits for the running handler, leaves the group. Idempotent. */
  close(): Promise<void>;
  /** Records not yet committed by the group, summed over the subscribed topics' partitions. */
  lag?(): Promise<number>;
}

/** Options shared by subscriber factories. */
export interface SubscriberOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts: the oldest record (true) or new records only. */
  readonly fromBeginning: boolean;
  /** First retry delay after a handler error (default 200 ms), doubled up to `maxRetryDelayMs`. */
  readonly retryDelayMs?: number;
  /** Longest delay between retries of a failing batch (default 30 000 ms). */
  readonly maxRetryDelayMs?: number;
}

/** A topic to create. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'retention.ms': '604800000' }`. */
  readonly config?: Readonly<Record<string, string>>;
}

/** An offset of one partition. */
export interface PartitionOffset {
  readonly partition: number;
  readonly offset: string;
}
