import type { Command } from 'commander';
import { ConfigError } from '@kube-herald/config';
import type { Env } from '../command-types.js';
import { ExitCode, usageError } from '../exit-codes.js';
import { ioOf, type CliIo } from '../io.js';
import { assertReachable, redisAddress } from '../util/probe.js';
import { mergeSinkConfig, privateConfigFile } from '../util/sinks.js';
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
  const { kubeEventerSinksToConfig, loadNotifierConfig, runNotifier } = await import('@kube-herald/notifier');
  const doc = flags.sink.length
    ? checked(io, () => mergeSinkConfig(flags.config, kubeEventerSinksToConfig(flags.sink)))
    : undefined;
  if (flags.sink.length && doc === undefined) return ExitCode.config;
  const tmp = doc ? privateConfigFile(doc) : undefined;
  try {
    const file = tmp?.file ?? flags.config ?? '';
    const config = checked(io, () => loadNotifierConfig(file, env));
    if (config === undefined) return ExitCode.config;
    await assertReachable('Redis', [redisAddress(config.redis.url)], 6379);
    await assertReachable('Kafka', config.kafka.brokers, 9092);
    // runNotifier reads the file synchronously before its first await: the temporary copy (which may
    // hold webhooks from --sink) is removed right after the call.
    const running = runNotifier(['--config', file], env);
    tmp?.dispose();
    return await running;
  } finally {
    tmp?.dispose();
  }
}

/** `kube-herald collector` and `kube-herald notifier`: the services, delegated to their run functions. */
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
      const { loadCollectorConfig, runCollector } = await import('@kube-herald/collector');
      const config = checked(io, () => loadCollectorConfig(flags.config, env));
      if (config === undefined) return setExit(ExitCode.config);
      await assertReachable('Kafka', config.kafka.brokers, 9092);
      setExit(await runCollector(['--config', flags.config], env));
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
