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

/** A member of a consumer group. */
export interface Subscriber {
  start(handler: SubscriberHandler): Promise<void>;
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
