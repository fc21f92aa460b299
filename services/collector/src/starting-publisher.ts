import type { EventPublisher, OutboundRecord } from './publish-queue.js';

/** What the collector needs from a @kube-herald/bus Publisher. */
export interface BusPublisherLike {
  start(): Promise<void>;
  publish(topic: string, messages: readonly OutboundRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Lets the collector start while Kafka is unreachable: the bus publisher is (re)started on the first
 * publish and after a failed start, so a down broker surfaces as failed publishes (buffer, backpressure).
 */
export function createStartingPublisher(
  bus: BusPublisherLike,
): Required<EventPublisher> & { close(): Promise<void> } {
  let started: Promise<void> | undefined;
  const connect = (): Promise<void> =>
    (started ??= bus.start().catch((err: unknown) => {
      started = undefined;
      throw err;
    }));
  return {
    connect,
    async publish(topic, records) {
      await connect();
      await bus.publish(topic, records);
    },
    close: () => bus.close(),
  };
}
