// The notifier side of a chat platform's end-to-end test: a fresh topic and DLQ on the real Kafka, a Redis
// prefix, one notifier whose receivers (one per stand-in robot / channel) are routed by namespace.
import { Redis } from 'ioredis';
import { createKafkaAdmin, createKafkaPublisher, createKafkaSubscriber } from '@kube-herald/bus';
import { EVENT_HEADERS, encodeEvent, type EventV1 } from '@kube-herald/events';
import { createRegistry, type Registry } from '@kube-herald/observability';
import { kafkaBrokers, redisUrl, uniqueName } from '@kube-herald/testing';
import { parseNotifierConfig } from '../src/config.js';
import { createNotifier, type Notifier, type NotifierOptions } from '../src/notifier.js';
import { createReceivers } from '../src/receivers/index.js';
import { log, until } from './pipeline-harness.js';

/** A running notifier of {@link startPlatformNotifier}. */
export interface PlatformNotifier {
  readonly notifier: Notifier;
  readonly registry: Registry;
  publish(events: readonly EventV1[]): Promise<void>;
}

/** Options of {@link startPlatformNotifier}. */
export interface PlatformNotifierOptions {
  /** Names topics, groups and clients (`kh-<label>…`). */
  readonly label: string;
  /** One receiver config per robot (its `name` is also the namespace routed to it); the first is the default. */
  readonly receivers: readonly ({ readonly name: string } & Record<string, unknown>)[];
  readonly options?: NotifierOptions;
  /** Each started part pushes its close step here (the caller closes them in reverse). */
  readonly closers: (() => Promise<unknown>)[];
}

/** Creates the topics, waits for the group coordinator and starts the notifier. */
export async function startPlatformNotifier(o: PlatformNotifierOptions): Promise<PlatformNotifier> {
  const topic = uniqueName(`kh-${o.label}`);
  const prefix = uniqueName(`kh${o.label[0] ?? ''}`);
  const brokers = kafkaBrokers();
  const names = o.receivers.map((r) => r.name);
  const config = parseNotifierConfig({
    kafka: { brokers, topic, dlqTopic: `${topic}.dlq`, groupId: uniqueName(`kh-${o.label}-n`) },
    redis: { url: redisUrl(), prefix },
    receivers: o.receivers.map((r) => ({ insecureHttp: true, timeoutMs: 2000, ...r })),
    route: {
      receiver: names[0],
      groupBy: ['cluster', 'namespace', 'reason'],
      groupWait: '200ms',
      groupInterval: '1s',
      repeatInterval: '1s',
      routes: names.map((name) => ({ match: { namespace: name }, receiver: name })),
    },
    delivery: { attempts: 6, backoffMs: 200 },
  });
  const admin = createKafkaAdmin({ brokers, clientId: `kh-${o.label}-admin`, log });
  try {
    await admin.ensureTopics([
      { topic, partitions: 2 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    await until(
      () =>
        admin.groupLag(config.kafka.groupId, topic).then(
          () => true,
          () => false,
        ),
      60_000,
      'the group coordinator',
    );
  } finally {
    await admin.close();
  }
  const publisher = createKafkaPublisher({ brokers, clientId: `kh-${o.label}-pub`, log });
  o.closers.push(() => publisher.close());
  await publisher.start();
  const redis = new Redis(redisUrl());
  o.closers.push(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    await redis.quit();
  });
  const iredis = new Redis(redisUrl());
  o.closers.push(() => iredis.quit());
  const registry = createRegistry('notifier', false);
  const subscriber = createKafkaSubscriber({
    brokers,
    clientId: uniqueName(`kh-${o.label}-n`),
    log,
    groupId: config.kafka.groupId,
    topics: [topic],
    fromBeginning: true,
    maxWaitTimeMs: 200,
  });
  const notifier = createNotifier({
    config,
    log,
    redis: iredis,
    subscriber,
    publisher,
    receivers: createReceivers(config),
    registry,
    options: { schedulerPollMs: 100, throttleBackoffMs: 1000, ...o.options },
  });
  o.closers.push(() => notifier.close());
  await notifier.start();
  return {
    notifier,
    registry,
    async publish(events) {
      await publisher.publish(
        topic,
        events.map((e) => ({
          key: `${e.cluster.id}/${e.involvedObject.namespace}/${e.involvedObject.uid}`,
          value: encodeEvent(e),
          headers: { ...EVENT_HEADERS },
        })),
      );
    },
  };
}
