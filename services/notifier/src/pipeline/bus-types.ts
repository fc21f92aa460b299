// The notifier's view of @kube-herald/bus (structural, so the in-memory bus and the Kafka one both fit).

/** One consumed record. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Context of one partition batch. */
export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
}

/** Calls the handler per partition batch and commits the batch's offsets only after it resolved. */
export interface EventSubscriber {
  start(handler: (records: readonly ConsumedRecord[], ctx: BatchContext) => Promise<void>): Promise<void>;
  close(): Promise<void>;
  /** Records not yet committed by the group. */
  lag?(): Promise<number>;
}

/** One record to publish. */
export interface OutgoingMessage {
  readonly key: string | null;
  readonly value: Buffer | string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Publishes records (DLQ, decision log). */
export interface EventPublisher {
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
}
