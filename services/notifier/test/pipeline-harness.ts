// Test harness: real Kafka + Redis + DingTalk stand-in around one or more notifier instances.
import { Redis } from 'ioredis';
import { createKafkaPublisher, type BusMessage, type Publisher, type Subscriber } from '@kube-herald/bus';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { incidentKey, occurrenceId, type EventV1 } from '@kube-herald/events';
import type { Registry } from '@kube-herald/observability';
import { kafkaBrokers, redisUrl, uniqueName } from '@kube-herald/testing';
import { parseNotifierConfig, type NotifierConfig } from '../src/config.js';
import type { Notifier, NotifierOptions } from '../src/notifier.js';
import type { Logger } from '@kube-herald/logging';
import { eventRecords, log, prepareTopics, startNotifier } from './notifier-kit.js';
import { dropPrefix } from './redis-fixture.js';

export { log, until } from './notifier-kit.js';

export interface RobotSpec {
  readonly name: string;
  readonly secret?: string;
  /** Secret the notifier is configured with when it differs from the robot's (a mis-signing receiver). */
  readonly configSecret?: string;
  /** Receiver `mentions` (e.g. `{ fromLabel: 'team.example.com/oncall-mobile' }`). */
  readonly mentions?: Record<string, unknown>;
  /** A receiver sending to another spec's stand-in robot (same webhook) instead of a robot of its own. */
  readonly robot?: string;
}

export interface HarnessOptions {
  readonly robots: readonly RobotSpec[];
  /** Route document (receivers named like the robots). */
  readonly route: Record<string, unknown>;
  readonly delivery?: Record<string, unknown>;
  readonly partitions?: number;
  readonly standinThrottleMs?: number;
  /** Logger of the notifier instances and their Kafka clients (default: the quiet test logger). */
  readonly log?: Logger;
  readonly decisionLogTopic?: string;
  /** Further `kafka` config keys (e.g. `stallTimeout`). */
  readonly kafka?: Record<string, unknown>;
  /** Sees every message the notifier instances publish (DLQ, decision log). */
  readonly tap?: (topic: string, messages: readonly BusMessage[]) => void;
}

export interface Instance {
  readonly notifier: Notifier;
  readonly registry: Registry;
  readonly redis: Redis;
  close(): Promise<void>;
}

export interface Harness {
  readonly topic: string;
  readonly dlqTopic: string;
  readonly standin: DingtalkStandin;
  readonly config: NotifierConfig;
  readonly publisher: Publisher;
  readonly redis: Redis;
  /** Starts a notifier instance in consumer group `groupId` (default: the harness' group). */
  instance(
    options?: NotifierOptions,
    groupId?: string,
    wrap?: (s: Subscriber) => Subscriber,
  ): Promise<Instance>;
  publish(events: readonly EventV1[]): Promise<void>;
  publishRaw(values: readonly (string | Buffer)[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The route of most pipeline tests, to `oncall` unless overridden: grouped by cluster, namespace and reason,
 * groupWait 300 ms, groupInterval 1 s, and no reminder within a test (repeatInterval 1 h).
 */
export function testRoute(o: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    receiver: 'oncall',
    groupBy: ['cluster', 'namespace', 'reason'],
    groupWait: '300ms',
    groupInterval: '1s',
    repeatInterval: '1h',
    ...o,
  };
}

let seq = 0;

/** A Warning event on one object; `n` makes the occurrence (count) distinct. */
export function warning(
  obj: { ns: string; name: string; reason?: string; cluster?: string; labels?: Record<string, string> },
  n: number,
): EventV1 {
  const cluster = obj.cluster ?? 'prod-hz';
  const reason = obj.reason ?? 'BackOff';
  const uid = `uid-${cluster}-${obj.ns}-${obj.name}-${reason}`;
  const now = new Date().toISOString();
  seq += 1;
  return {
    schema: 'kube-herald.event/v1',
    occurrenceId: occurrenceId({ clusterId: cluster, eventUid: uid, count: n }),
    incidentKey: incidentKey({ clusterId: cluster, namespace: obj.ns, kind: 'Pod', name: obj.name, reason }),
    cluster: { id: cluster, name: '杭州生产' },
    type: 'Warning',
    reason,
    message: `Back-off restarting failed container api in pod ${obj.name} (#${n})`,
    count: n,
    firstSeen: now,
    lastSeen: now,
    source: { component: 'kubelet', host: 'node-1' },
    involvedObject: {
      kind: 'Pod',
      namespace: obj.ns,
      name: obj.name,
      uid: `pod-${obj.name}`,
      apiVersion: 'v1',
    },
    owners: [{ kind: 'Deployment', name: obj.name.replace(/-[^-]+$/, ''), uid: `dep-${obj.name}` }],
    ...(obj.labels ? { labels: obj.labels } : {}),
    event: {
      apiVersion: 'v1',
      namespace: obj.ns,
      name: `${obj.name}.${seq}`,
      uid,
      resourceVersion: String(seq),
    },
    observedAt: now,
    collector: { instance: 'test', version: '0.0.0' },
  };
}

/** Starts the stand-in, creates topics, builds the config. */
export async function createHarness(opts: HarnessOptions): Promise<Harness> {
  const standin = createDingtalkStandin({
    robots: opts.robots
      .filter((r) => r.robot === undefined)
      .map((r) => ({
        name: r.name,
        token: `tok-${r.name}-0123456789`,
        keywords: ['K8s'],
        ...(r.secret ? { secret: r.secret } : {}),
      })),
    ...(opts.standinThrottleMs ? { throttleMs: opts.standinThrottleMs } : {}),
  });
  await standin.start();
  try {
    return await buildHarness(opts, standin);
  } catch (err) {
    // a failed setup (Kafka down) must not leave the stand-in listening: the test file would hang
    await standin.close();
    throw err;
  }
}

async function buildHarness(opts: HarnessOptions, standin: DingtalkStandin): Promise<Harness> {
  const topic = uniqueName('kh-events');
  const dlqTopic = `${topic}.dlq`;
  const prefix = uniqueName('kht');
  const config = parseNotifierConfig({
    kafka: { brokers: kafkaBrokers(), topic, dlqTopic, groupId: uniqueName('kh-notifier'), ...opts.kafka },
    redis: { url: redisUrl(), prefix },
    receivers: opts.robots.map((r) => ({
      name: r.name,
      type: 'dingtalk',
      webhook: standin.webhookFor(r.robot ?? r.name),
      insecureHttp: true, // the stand-in answers on plain http
      ...((r.configSecret ?? r.secret) ? { secret: r.configSecret ?? r.secret } : {}),
      keywords: ['K8s'],
      timeoutMs: 2000,
      ...(r.mentions ? { mentions: r.mentions } : {}),
    })),
    route: opts.route,
    delivery: { attempts: 6, backoffMs: 200, ...opts.delivery },
    ...(opts.decisionLogTopic ? { decisionLog: { topic: opts.decisionLogTopic } } : {}),
  });
  await prepareTopics(config, {
    clientId: 'kh-test-admin',
    partitions: opts.partitions ?? 3,
    ...(opts.decisionLogTopic ? { extra: [opts.decisionLogTopic] } : {}),
  });
  const publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'kh-test-pub', log });
  await publisher.start().catch(async (err: unknown) => {
    await publisher.close();
    throw err;
  });
  const redis = new Redis(redisUrl());
  const instances = new Set<Instance>();
  const ilog = opts.log ?? log;
  const tap = opts.tap;
  const notifierPublisher: Pick<Publisher, 'publish'> = tap
    ? { publish: (t, messages) => (tap(t, messages), publisher.publish(t, messages)) }
    : publisher;
  return {
    topic,
    dlqTopic,
    standin,
    config,
    publisher,
    redis,
    async instance(options = {}, groupId = config.kafka.groupId, wrap = (s: Subscriber) => s) {
      const started = await startNotifier(config, {
        publisher: notifierPublisher,
        log: ilog,
        groupId,
        wrap,
        options,
      });
      const { notifier, registry, redis: iredis } = started;
      let closed: Promise<void> | undefined;
      const inst: Instance = {
        notifier,
        registry,
        redis: iredis,
        close: () =>
          (closed ??= (async () => {
            instances.delete(inst);
            try {
              await notifier.close();
            } finally {
              await iredis.quit();
            }
          })()),
      };
      instances.add(inst);
      return inst;
    },
    async publish(events) {
      for (let i = 0; i < events.length; i += 1000)
        await publisher.publish(topic, eventRecords(events.slice(i, i + 1000)));
    },
    async publishRaw(values) {
      await publisher.publish(
        topic,
        values.map((v, i) => ({ key: `bad-${i}`, value: v })),
      );
    },
    async close() {
      // every step runs even when an earlier one failed (a test must not hang on open handles)
      const failures: unknown[] = [];
      const step = async (fn: () => Promise<unknown>): Promise<void> => {
        await fn().catch((err: unknown) => failures.push(err));
      };
      for (const i of [...instances]) await step(() => i.close());
      await step(() => publisher.close());
      await step(() => dropPrefix(redis, prefix));
      await step(() => redis.quit());
      await step(() => standin.close());
      if (failures.length > 0) throw new AggregateError(failures, 'harness close failed');
    },
  };
}

/** Value of a counter/gauge (summed over label sets matching `labels`). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  const { values } = await m.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((n, v) => n + v.value, 0);
}
