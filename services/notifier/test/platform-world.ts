// A chat platform's end-to-end world: its stand-in, a fresh topic and DLQ on the real Kafka, a Redis
// prefix, and notifiers whose receivers (one per stand-in robot / channel / bot) are routed by namespace.
import { Redis } from 'ioredis';
import { createKafkaPublisher } from '@kube-herald/bus';
import type { EventV1 } from '@kube-herald/events';
import { kafkaBrokers, redisUrl, uniqueName } from '@kube-herald/testing';
import { parseNotifierConfig } from '../src/config.js';
import type { NotifierOptions } from '../src/notifier.js';
import { eventRecords, log, prepareTopics, startNotifier, type StartedNotifier } from './notifier-kit.js';
import { dropPrefix } from './redis-fixture.js';

/** What the world needs of a stand-in. */
export interface PlatformStandin {
  start(): Promise<unknown>;
  close(): Promise<void>;
}

/** A world of {@link createPlatformWorld}. */
export interface PlatformWorld<S extends PlatformStandin> {
  readonly standin: S;
  publish(events: readonly EventV1[]): Promise<void>;
  /** Starts one more notifier in the world's group (closed with the world). */
  instance(options?: NotifierOptions): Promise<StartedNotifier>;
  /** Closes the notifiers, the publisher, the Redis prefix and the stand-in, in that order. */
  close(): Promise<void>;
}

/** A world of {@link startPlatformNotifier}: one notifier already started. */
export type PlatformNotifier<S extends PlatformStandin> = PlatformWorld<S> & StartedNotifier;

/** Options of {@link createPlatformWorld}. */
export interface PlatformWorldOptions<S extends PlatformStandin> {
  /** Not yet started: the world starts and closes it. */
  readonly standin: S;
  /** Names topics, groups and clients (`kh-<label>…`). */
  readonly label: string;
  /** One receiver config per robot (its `name` is also the namespace routed to it); the first is the default. */
  receivers(standin: S): readonly ({ readonly name: string } & Record<string, unknown>)[];
  /** Over the route defaults (group by cluster, namespace and reason; wait 200 ms, interval and repeat 1 s). */
  readonly route?: Record<string, unknown>;
}

/** Starts the stand-in, creates the topics and waits for the group coordinator; no notifier yet. */
export async function createPlatformWorld<S extends PlatformStandin>(
  o: PlatformWorldOptions<S>,
): Promise<PlatformWorld<S>> {
  await o.standin.start();
  const closers: (() => Promise<unknown>)[] = [() => o.standin.close()];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse())
      await c().catch((err: unknown) => log.warn({ err }, 'close step failed'));
  };
  try {
    const topic = uniqueName(`kh-${o.label}`);
    const prefix = uniqueName(`kh${o.label[0] ?? ''}`);
    const receivers = o.receivers(o.standin);
    const names = receivers.map((r) => r.name);
    const config = parseNotifierConfig({
      kafka: {
        brokers: kafkaBrokers(),
        topic,
        dlqTopic: `${topic}.dlq`,
        groupId: uniqueName(`kh-${o.label}-n`),
      },
      redis: { url: redisUrl(), prefix },
      receivers: receivers.map((r) => ({ insecureHttp: true, timeoutMs: 2000, ...r })),
      route: {
        receiver: names[0],
        groupBy: ['cluster', 'namespace', 'reason'],
        groupWait: '200ms',
        groupInterval: '1s',
        repeatInterval: '1s',
        routes: names.map((name) => ({ match: { namespace: name }, receiver: name })),
        ...o.route,
      },
      delivery: { attempts: 6, backoffMs: 200 },
    });
    await prepareTopics(config, { clientId: `kh-${o.label}-admin`, partitions: 2 });
    const publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: `kh-${o.label}-pub`, log });
    closers.push(() => publisher.close());
    await publisher.start();
    const redis = new Redis(redisUrl());
    closers.push(() => dropPrefix(redis, prefix).finally(() => redis.quit()));
    return {
      standin: o.standin,
      publish: (events) => publisher.publish(topic, eventRecords(events)),
      async instance(options = {}) {
        const started = await startNotifier(config, { publisher, clientId: `kh-${o.label}-n`, options });
        closers.push(() => started.notifier.close().finally(() => started.redis.quit()));
        return started;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** {@link createPlatformWorld} with one notifier started (the world closed again when that fails). */
export async function startPlatformNotifier<S extends PlatformStandin>(
  o: PlatformWorldOptions<S> & { readonly options?: NotifierOptions },
): Promise<PlatformNotifier<S>> {
  const world = await createPlatformWorld(o);
  try {
    return { ...world, ...(await world.instance(o.options)) };
  } catch (err) {
    await world.close();
    throw err;
  }
}
