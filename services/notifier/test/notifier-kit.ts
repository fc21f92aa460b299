// The parts every notifier test world is built from: topics on the real Kafka with a ready group
// coordinator, event records, notifier instances on the real Redis, and the clean-up of a Redis prefix.
import { Redis } from 'ioredis';
import {
  createKafkaAdmin,
  createKafkaSubscriber,
  type BusMessage,
  type Publisher,
  type Subscriber,
} from '@kube-herald/bus';
import { EVENT_HEADERS, encodeEvent, type EventV1 } from '@kube-herald/events';
import type { Logger } from '@kube-herald/logging';
import { createRegistry, type Registry } from '@kube-herald/observability';
import { kafkaBrokers, redisUrl, testLogger, uniqueName } from '@kube-herald/testing';
import type { NotifierConfig } from '../src/config.js';
import { createReceivers } from '../src/receivers/index.js';
import { createNotifier, type Notifier, type NotifierOptions } from '../src/notifier.js';

export const log = testLogger('notifier-test');

/** Polls `cond` until true or the timeout. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Events as the collector publishes them: keyed by their object, with the event headers. */
export function eventRecords(events: readonly EventV1[]): BusMessage[] {
  return events.map((e) => ({
    key: `${e.cluster.id}/${e.involvedObject.namespace}/${e.involvedObject.uid}`,
    value: encodeEvent(e),
    headers: { ...EVENT_HEADERS },
  }));
}

/** A `type: dingtalk` receiver sending to the stand-in robot of its name (over plain http, as the stand-in answers). */
export function robotReceiver(
  standin: { webhookFor(name: string): string },
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name, type: 'dingtalk', webhook: standin.webhookFor(name), insecureHttp: true, ...extra };
}

/**
 * Creates the topics of a config (its events topic with `partitions`, its DLQ and `extra`), then waits
 * for the group coordinator of its group: on a fresh broker this creates and loads __consumer_offsets
 * before any consumer joins, so the consumers start on a ready coordinator ("not the correct
 * coordinator" / "is loading" until then).
 */
export async function prepareTopics(
  config: NotifierConfig,
  o: { clientId: string; partitions: number; extra?: readonly string[] },
): Promise<void> {
  const { topic, dlqTopic, groupId } = config.kafka;
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: o.clientId, log });
  try {
    await admin.ensureTopics([
      { topic, partitions: o.partitions },
      ...[dlqTopic ?? `${topic}.dlq`, ...(o.extra ?? [])].map((t) => ({ topic: t, partitions: 1 })),
    ]);
    await until(
      () =>
        admin.groupLag(groupId, topic).then(
          () => true,
          () => false,
        ),
      60_000,
      'the group coordinator',
    );
  } finally {
    await admin.close();
  }
}

/** Options of {@link startNotifier}. */
export interface StartNotifierOptions {
  readonly publisher: Pick<Publisher, 'publish'>;
  readonly log?: Logger;
  /** Consumer group (default: the config's). */
  readonly groupId?: string;
  /** Prefix of the Kafka client id (a unique suffix is added). */
  readonly clientId?: string;
  readonly wrap?: (s: Subscriber) => Subscriber;
  /** Over the test defaults (scheduler poll 100 ms, throttle back-off 1 s). */
  readonly options?: NotifierOptions;
}

/** A started notifier with a Redis connection and a registry of its own. */
export interface StartedNotifier {
  readonly notifier: Notifier;
  readonly registry: Registry;
  readonly redis: Redis;
}

/** Starts one notifier instance consuming the config's topic from its beginning (closed again when the start fails). */
export async function startNotifier(
  config: NotifierConfig,
  o: StartNotifierOptions,
): Promise<StartedNotifier> {
  const redis = new Redis(redisUrl());
  const registry = createRegistry('notifier', false);
  const ilog = o.log ?? log;
  const subscriber = createKafkaSubscriber({
    brokers: kafkaBrokers(),
    clientId: uniqueName(o.clientId ?? 'kh-n'),
    log: ilog,
    groupId: o.groupId ?? config.kafka.groupId,
    topics: [config.kafka.topic],
    fromBeginning: true,
    maxWaitTimeMs: 200,
  });
  const notifier = createNotifier({
    config,
    log: ilog,
    redis,
    subscriber: o.wrap ? o.wrap(subscriber) : subscriber,
    publisher: o.publisher,
    receivers: createReceivers(config),
    registry,
    options: { schedulerPollMs: 100, throttleBackoffMs: 1000, ...o.options },
  });
  try {
    await notifier.start();
  } catch (err) {
    await notifier.close().finally(() => redis.quit());
    throw err;
  }
  return { notifier, registry, redis };
}
