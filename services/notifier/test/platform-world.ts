// A chat platform's end-to-end world: its stand-in, a fresh topic and DLQ on the real Kafka, a Redis
// prefix, and notifiers whose receivers (one per stand-in robot / channel / bot) are routed by namespace.
import { Redis } from 'ioredis';
import { createKafkaPublisher } from '@kube-herald/bus';
import type { EventV1 } from '@kube-herald/events';
import { kafkaBrokers, redisUrl, uniqueName } from '@kube-herald/testing';
import { parseNotifierConfig } from '../src/config.js';
import { listFailed, type FailedDelivery } from '../src/failed.js';
import type { NotifierOptions } from '../src/notifier.js';
import {
  eventRecords,
  log,
  prepareTopics,
  startNotifier,
  until,
  type StartedNotifier,
} from './notifier-kit.js';
import { metricValue, warning } from './pipeline-harness.js';
import { dropPrefix } from './redis-fixture.js';

/** What the world needs of a stand-in. */
export interface PlatformStandin {
  start(): Promise<unknown>;
  close(): Promise<void>;
}

/** A notifier of a world, with what its tests read of it. */
export interface WorldNotifier extends StartedNotifier {
  /** Events notified so far (`kube_herald_notifier_events_notified_total`). */
  notified(): Promise<number>;
  /** Delivery attempts that ended with `verdict` (ok, retry, throttle, permanent). */
  attempts(verdict: string): Promise<number>;
  /** Waits until the failed set holds exactly one job, and returns it. */
  failedJob(what?: string): Promise<FailedDelivery | undefined>;
}

/** A world of {@link createPlatformWorld}. */
export interface PlatformWorld<S extends PlatformStandin> {
  readonly standin: S;
  publish(events: readonly EventV1[]): Promise<void>;
  /**
   * A storm: 6 waves of 500 warnings (3,000 occurrences; reasons BackOff, FailedScheduling, Unhealthy in
   * turn), `pauseMs` apart; `place(i)` names the namespace and object of a wave's i-th event.
   */
  storm(place: (i: number) => { ns: string; name: string }, pauseMs: number): Promise<void>;
  /** Starts one more notifier in the world's group (closed with the world). */
  instance(options?: NotifierOptions): Promise<WorldNotifier>;
  /** Closes the notifiers, the publisher, the Redis prefix and the stand-in, in that order. */
  close(): Promise<void>;
}

/** A world of {@link startPlatformNotifier}: one notifier already started. */
export type PlatformNotifier<S extends PlatformStandin> = PlatformWorld<S> & WorldNotifier;

/** A stand-in's receivers: one config per robot (its `name` is also the namespace routed to it); the first is the default. */
type PlatformReceivers = readonly ({ readonly name: string } & Record<string, unknown>)[];

/** Options of {@link createPlatformWorld}. */
export interface PlatformWorldOptions<S extends PlatformStandin> {
  /** Not yet started: the world starts and closes it. */
  readonly standin: S;
  /** Names topics, groups and clients (`kh-<label>…`). */
  readonly label: string;
  receivers(standin: S): PlatformReceivers;
  /** Over the route defaults (group by cluster, namespace and reason; wait 200 ms, interval and repeat 1 s). */
  readonly route?: Record<string, unknown>;
}

function platformConfig(label: string, receivers: PlatformReceivers, route: Record<string, unknown> = {}) {
  const topic = uniqueName(`kh-${label}`);
  const names = receivers.map((r) => r.name);
  return parseNotifierConfig({
    kafka: { brokers: kafkaBrokers(), topic, dlqTopic: `${topic}.dlq`, groupId: uniqueName(`kh-${label}-n`) },
    redis: { url: redisUrl(), prefix: uniqueName(`kh${label[0] ?? ''}`) },
    receivers: receivers.map((r) => ({ insecureHttp: true, timeoutMs: 2000, ...r })),
    route: {
      receiver: names[0],
      groupBy: ['cluster', 'namespace', 'reason'],
      groupWait: '200ms',
      groupInterval: '1s',
      repeatInterval: '1s',
      routes: names.map((name) => ({ match: { namespace: name }, receiver: name })),
      ...route,
    },
    delivery: { attempts: 6, backoffMs: 200 },
  });
}

function worldNotifier(started: StartedNotifier): WorldNotifier {
  return {
    ...started,
    notified: () => metricValue(started.registry, 'kube_herald_notifier_events_notified_total'),
    attempts: (verdict) =>
      metricValue(started.registry, 'kube_herald_notifier_delivery_attempts_total', { verdict }),
    async failedJob(what = 'the failed job') {
      await until(async () => (await listFailed(started.notifier.queue)).length === 1, 30_000, what);
      const [failed] = await listFailed(started.notifier.queue);
      return failed;
    },
  };
}

const STORM_REASONS = ['BackOff', 'FailedScheduling', 'Unhealthy'];

async function publishStorm(
  publish: (events: readonly EventV1[]) => Promise<void>,
  place: (i: number) => { ns: string; name: string },
  pauseMs: number,
): Promise<void> {
  let n = 0;
  for (let wave = 0; wave < 6; wave++) {
    const events = Array.from({ length: 500 }, (_, i) => {
      n += 1;
      const reason = STORM_REASONS[i % STORM_REASONS.length];
      return warning({ ...place(i), ...(reason ? { reason } : {}) }, n);
    });
    await publish(events);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
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
    const config = platformConfig(o.label, o.receivers(o.standin), o.route);
    await prepareTopics(config, { clientId: `kh-${o.label}-admin`, partitions: 2 });
    const publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: `kh-${o.label}-pub`, log });
    closers.push(() => publisher.close());
    await publisher.start();
    const redis = new Redis(redisUrl());
    closers.push(() => dropPrefix(redis, config.redis.prefix).finally(() => redis.quit()));
    const publish = (events: readonly EventV1[]) =>
      publisher.publish(config.kafka.topic, eventRecords(events));
    return {
      standin: o.standin,
      publish,
      storm: (place, pauseMs) => publishStorm(publish, place, pauseMs),
      async instance(options = {}) {
        const started = await startNotifier(config, { publisher, clientId: `kh-${o.label}-n`, options });
        closers.push(() => started.notifier.close().finally(() => started.redis.quit()));
        return worldNotifier(started);
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
