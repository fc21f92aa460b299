import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import {
  createKafkaPublisher,
  createKafkaSubscriber,
  type KafkaConnectionOptions,
  type Publisher,
} from '@kube-herald/bus';
import { ConfigError } from '@kube-herald/config';
import { errorCode } from '@kube-herald/errors';
import { createLogger, type Logger } from '@kube-herald/logging';
import { runUntilSignal, type Closers } from '@kube-herald/process';
import { createHealthServer, createRegistry } from '@kube-herald/observability';
import { loadNotifierConfig, type NotifierConfig } from './config.js';
import { createReceivers } from './receivers/index.js';
import type { Receiver } from './model.js';
import { createNotifier } from './notifier.js';
import { createSilenceStore } from './silences/index.js';
import { checkTopics, TOPIC_MISSING } from './topics-check.js';
import { createConsole } from './console/index.js';

type Env = Readonly<Record<string, string | undefined>>;

function kafkaConnection(config: NotifierConfig, log: Logger): KafkaConnectionOptions {
  const { sasl } = config.kafka;
  const password = config.secrets.kafkaSaslPassword;
  return {
    brokers: config.kafka.brokers,
    clientId: config.kafka.clientId,
    log: log.child({ component: 'kafka' }),
    ...(config.kafka.ssl === undefined ? {} : { ssl: config.kafka.ssl }),
    ...(sasl && password !== undefined
      ? {
          sasl: {
            mechanism: sasl.mechanism,
            username: sasl.username,
            password,
          },
        }
      : {}),
  };
}

/** Redis, publishers, receivers and silences: what the notifier is built from. */
async function startClients(config: NotifierConfig, log: Logger, closers: Closers) {
  const redis = new Redis(config.redis.url, {
    ...(config.secrets.redisPassword === undefined ? {} : { password: config.secrets.redisPassword }),
    lazyConnect: true,
  });
  closers.add('redis', () => redis.quit().then(() => undefined));
  await redis.connect();
  const conn = kafkaConnection(config, log);
  const publisher = createKafkaPublisher(conn);
  closers.add('publisher', () => publisher.close());
  await publisher.start();
  const decisionLogPublisher = await decisionPublisher(config, conn, closers);
  const receivers = createReceivers(config);
  closers.add('receivers', () => closeReceivers(receivers));
  const silences = createSilenceStore({
    redis,
    prefix: config.redis.prefix,
    log: log.child({ component: 'silences' }),
  });
  closers.add('silences', () => silences.close());
  await silences.start();
  return { redis, conn, publisher, decisionLogPublisher, receivers, silences };
}

/** Starts every part, pushing its closer first, so a failed start closes what already runs. */
async function startAll(config: NotifierConfig, log: Logger, closers: Closers): Promise<void> {
  const { topic, dlqTopic } = config.kafka;
  await checkTopics(kafkaConnection(config, log), [topic, dlqTopic, config.decisionLog.topic ?? topic]);
  const { conn, decisionLogPublisher, silences, ...clients } = await startClients(config, log, closers);
  const registry = createRegistry('notifier');
  const subscriber = createKafkaSubscriber({
    ...conn,
    groupId: config.kafka.groupId,
    topics: [config.kafka.topic],
    fromBeginning: config.kafka.startFrom === 'earliest',
    partitionsConcurrently: config.kafka.partitionsConcurrently,
    maxBytes: config.kafka.maxBytes,
    maxBytesPerPartition: config.kafka.maxBytesPerPartition,
    maxBatchRecords: config.kafka.maxBatchRecords,
    // the subscriber logs the crash and restarts or rejoins by itself; counted so that alerts can see it
    onCrash: () => notifier.metrics.errors.inc({ component: 'kafka-consumer' }),
  });
  const notifier = createNotifier({
    config,
    log,
    ...clients,
    subscriber,
    ...(decisionLogPublisher ? { decisionLogPublisher } : {}),
    registry,
    options: { silences },
  });
  const { live, ready } = notifier;
  const { host, port } = config.http;
  const health = createHealthServer({ registry, log, host, port, live, ready });
  closers.add('health', () => health.close());
  const { url } = await health.start();
  closers.add('notifier', () => notifier.close());
  await notifier.start();
  if (config.console.enabled) {
    const operatorConsole = createConsole({
      config,
      redis: clients.redis,
      silences,
      log,
      kafka: conn,
      registry,
    });
    closers.add('console', () => operatorConsole.close());
    await operatorConsole.start();
  }
  log.info({ topic: config.kafka.topic, groupId: config.kafka.groupId, http: url }, 'notifier started');
}

/** A producer of its own for the decision-log mirror, so that its failures never touch DLQ batches. */
async function decisionPublisher(
  config: NotifierConfig,
  conn: KafkaConnectionOptions,
  closers: Closers,
): Promise<Publisher | undefined> {
  if (config.decisionLog.topic === undefined) return undefined;
  const publisher = createKafkaPublisher({ ...conn, clientId: `${config.kafka.clientId}-decisions` });
  closers.add('decision-log-publisher', () => publisher.close());
  await publisher.start();
  return publisher;
}

function closeReceivers(receivers: ReadonlyMap<string, Receiver>): Promise<void> {
  return Promise.all([...receivers.values()].map((r) => (r.close ? r.close() : Promise.resolve()))).then(
    () => undefined,
  );
}

/** How long the ordered close may take: within the chart's 45 s terminationGracePeriodSeconds. */
const SHUTDOWN_DEADLINE_MS = 40_000;

/**
 * Runs a notifier replica on a validated config until SIGTERM/SIGINT, then closes in reverse start order.
 * Resolves the exit code: 2 when a topic it reads or writes does not exist, 1 when it failed otherwise.
 */
export async function serveNotifier(config: NotifierConfig): Promise<number> {
  const log = createLogger({ name: 'notifier', level: config.log.level });
  const { code } = await runUntilSignal({
    name: 'notifier',
    log,
    deadlineMs: SHUTDOWN_DEADLINE_MS,
    start: (closers) => startAll(config, log, closers),
    exitCodeOf: (err) => (errorCode(err) === TOPIC_MISSING ? 2 : 1),
  });
  return code;
}

/**
 * `--config <file>` (a notifier process of its own): loads and validates the config (exit 1 listing every
 * `path: problem`), then {@link serveNotifier}. Resolves the exit code.
 */
export async function runNotifier(argv: readonly string[], env: Env): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { config: { type: 'string', short: 'c' } } });
  const bootLog = createLogger({ name: 'notifier', level: env['KH_LOG_LEVEL'] ?? 'info' });
  const file = values.config ?? env['KH_NOTIFIER_CONFIG'];
  if (file === undefined) {
    bootLog.error('missing --config <file>');
    return 1;
  }
  let config: NotifierConfig;
  try {
    config = loadNotifierConfig(file, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    bootLog.error({ problems: err.problems }, err.message);
    return 1;
  }
  return serveNotifier(config);
}
