import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createKafkaPublisher, createKafkaSubscriber, type KafkaConnectionOptions } from '@kube-herald/bus';
import { ConfigError } from '@kube-herald/config';
import { createLogger, type Logger } from '@kube-herald/logging';
import { createHealthServer, createRegistry } from '@kube-herald/observability';
import { loadNotifierConfig, type NotifierConfig } from './config.js';
import { createReceivers } from './receivers/index.js';
import { createNotifier } from './notifier.js';
import { createSilenceStore } from './silences/index.js';

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

async function run(config: NotifierConfig, log: Logger): Promise<number> {
  const redis = new Redis(config.redis.url, {
    ...(config.secrets.redisPassword === undefined ? {} : { password: config.secrets.redisPassword }),
    lazyConnect: true,
  });
  await redis.connect();
  const conn = kafkaConnection(config, log);
  const publisher = createKafkaPublisher(conn);
  await publisher.start();
  const subscriber = createKafkaSubscriber({
    ...conn,
    groupId: config.kafka.groupId,
    topics: [config.kafka.topic],
    fromBeginning: false,
    partitionsConcurrently: config.kafka.partitionsConcurrently,
  });
  const registry = createRegistry('notifier');
  const receivers = createReceivers(config);
  const silences = createSilenceStore({
    redis,
    prefix: config.redis.prefix,
    log: log.child({ component: 'silences' }),
  });
  await silences.start();
  const options = { silences };
  const notifier = createNotifier({
    config,
    log,
    redis,
    subscriber,
    publisher,
    receivers,
    registry,
    options,
  });
  const health = createHealthServer({
    registry,
    log,
    port: config.http.port,
    live: notifier.live,
    ready: notifier.ready,
  });
  await health.start();
  await notifier.start();
  log.info({ topic: config.kafka.topic, groupId: config.kafka.groupId }, 'notifier started');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'notifier stopping');
  let code = 0;
  for (const [name, close] of [
    ['notifier', () => notifier.close()],
    ['silences', () => silences.close()],
    ['publisher', () => publisher.close()],
    [
      'receivers',
      () =>
        Promise.all([...receivers.values()].map((r) => (r.close ? r.close() : Promise.resolve()))).then(
          () => undefined,
        ),
    ],
    ['health', () => health.close()],
    ['redis', () => redis.quit().then(() => undefined)],
  ] as const) {
    try {
      await close();
    } catch (err) {
      log.error({ err, part: name }, 'shutdown step failed');
      code = 1;
    }
  }
  return code;
}

/**
 * `kube-herald notifier --config <file>`: loads and validates the config (exit 1 listing every
 * `path: problem`), runs until SIGTERM/SIGINT, then closes in reverse start order. Resolves the exit code.
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
  return run(config, createLogger({ name: 'notifier', level: config.log.level }));
}
