import type { Command } from 'commander';
import { ConfigError } from '@kube-herald/config';
import type { Env } from '../command-types.js';
import { ExitCode, usageError } from '../exit-codes.js';
import { ioOf, type CliIo } from '../io.js';
import { assertReachable, redisAddress } from '../util/probe.js';
import { mergeSinkConfig } from '../util/sinks.js';
import type { SetExit } from '../command-types.js';

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** Loads a config the way the service will, printing every `path: problem` on stderr when invalid. */
function checked<T>(io: CliIo, load: () => T): T | undefined {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(
      `kube-herald: invalid configuration\n${err.problems.map((p) => `  ${p.path}: ${p.message}\n`).join('')}`,
    );
    return undefined;
  }
}

async function notifierAction(
  flags: { config?: string; sink: string[] },
  env: Env,
  io: CliIo,
): Promise<number> {
  if (flags.config === undefined && flags.sink.length === 0)
    throw usageError('give --config <file> and/or --sink=dingtalk:<webhook>&...');
  // Imported here, not at the top: a collector process must not load the notifier.
  const { kubeEventerSinksToConfig, loadNotifierConfig, parseNotifierConfig, serveNotifier } =
    await import('@kube-herald/notifier');
  // --sink: the translated receivers and routes are merged into the file's document (its *File paths made
  // absolute) and validated from memory; the webhooks they hold are never written to disk.
  const config = checked(io, () =>
    flags.sink.length
      ? parseNotifierConfig(mergeSinkConfig(flags.config, kubeEventerSinksToConfig(flags.sink)), env)
      : loadNotifierConfig(flags.config ?? '', env),
  );
  if (config === undefined) return ExitCode.config;
  await assertReachable('Redis', [redisAddress(config.redis.url)], 6379);
  await assertReachable('Kafka', config.kafka.brokers, 9092);
  return serveNotifier(config);
}

/** `kube-herald collector` and `kube-herald notifier`: the config validated here, once, then handed to the service. */
export function registerServices(program: Command, env: Env, setExit: SetExit): void {
  program
    .command('collector')
    .description('Run the collector: list+watch Kubernetes Events of one cluster and publish them to Kafka.')
    .requiredOption('--config <file>', 'collector config file (YAML; ${ENV} expanded, KH_* overrides)')
    .addHelpText(
      'after',
      `
Runs until SIGTERM/SIGINT, then flushes and releases its Lease. Exit 1 lists every config problem.

Example:
  kube-herald collector --config /etc/kube-herald/collector.yaml`,
    )
    .action(async (flags: { config: string }, cmd: Command) => {
      const io = ioOf(cmd);
      const { loadCollectorConfig, serveCollector } = await import('@kube-herald/collector');
      const config = checked(io, () => loadCollectorConfig(flags.config, env));
      if (config === undefined) return setExit(ExitCode.config);
      await assertReachable('Kafka', config.kafka.brokers, 9092);
      setExit(await serveCollector(config, env));
    });

  program
    .command('notifier')
    .description(
      'Run a notifier replica: consume, dedup, silence, route, group and deliver to DingTalk (one consumer group per fleet).',
    )
    .option('--config <file>', 'notifier config file (YAML; ${ENV} expanded, *File secrets)')
    .option(
      '--sink <sink>',
      'kube-eventer sink, repeatable: dingtalk:<webhook>&label=<cluster>&level=Warning|Normal&namespaces=a,b&kinds=Pod,Node&sign=<secret>&msg_type=markdown|text',
      collect,
      [] as string[],
    )
    .addHelpText(
      'after',
      `
kube-eventer compatibility: every --sink becomes a receiver and a continue: true route (placed before the
config's own routes). Without --config, Kafka and Redis come from KH_KAFKA_BROKERS and KH_REDIS_URL.

Examples:
  kube-herald notifier --config /etc/kube-herald/notifier.yaml
  kube-herald notifier --sink='dingtalk:https://oapi.dingtalk.com/robot/send?access_token=<token>&label=<cluster_id>&level=Warning'
  kube-herald config from-kube-eventer --sink=...   # print the equivalent YAML instead`,
    )
    .action(async (flags: { config?: string; sink: string[] }, cmd: Command) => {
      setExit(await notifierAction(flags, env, ioOf(cmd)));
    });
}
