import type { Command } from 'commander';
import type { KafkaConnectionOptions } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import { createConsole, createSilenceStore, type NotifierConfig } from '@kube-herald/notifier';
import type { Env } from '../command-types.js';
import { usageError } from '../exit-codes.js';
import { ioOf, stopRequest } from '../io.js';
import { cliLogger } from '../util/logger.js';
import { openRedis, redisTarget } from '../util/redis.js';
import type { SetExit } from '../command-types.js';

interface ConsoleFlags {
  readonly config: string;
  readonly host?: string;
  readonly port?: string;
}

function kafkaOf(config: NotifierConfig, log: Logger): KafkaConnectionOptions {
  const password = config.secrets.kafkaSaslPassword;
  const { sasl } = config.kafka;
  return {
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-console`,
    log: log.child({ component: 'kafka' }),
    ...(config.kafka.ssl === undefined ? {} : { ssl: config.kafka.ssl }),
    ...(sasl && password !== undefined
      ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password } }
      : {}),
  };
}

function portOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw usageError(`--port: "${text}" is not a port`);
  return port;
}

/** `kube-herald console --config notifier.yaml`: the operator console on its own, beside the fleet. */
export function registerConsole(program: Command, env: Env, setExit: SetExit): void {
  program
    .command('console')
    .description(
      "Serve the operator console (incidents, waiting groups, robots, silences, failed deliveries, why) from the fleet's Redis and decision log.",
    )
    .requiredOption('--config <file>', 'the notifier config (Redis, receivers, routes, console.*)')
    .option('--host <host>', 'listen address (default console.host, 127.0.0.1)')
    .option('--port <port>', 'listen port (default console.port, 8090)')
    .addHelpText(
      'after',
      `
Read-only without an admin token. Actions (create/expire silences, retry failed deliveries) need
console.adminTokenFile (or console.adminToken: \${KH_CONSOLE_TOKEN}) in the config; the page asks for it.

Example:
  kube-herald console --config notifier.yaml            # http://127.0.0.1:8090
  kubectl port-forward deploy/kube-herald-notifier 8090  # the console of a notifier with console.enabled`,
    )
    .action(async (flags: ConsoleFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const port = portOf(flags.port);
      const target = redisTarget({ config: flags.config }, env);
      const config = target.config as NotifierConfig;
      const log = cliLogger(io, config.log.level, 'console');
      const redis = await openRedis(target);
      const silences = createSilenceStore({ redis, prefix: config.redis.prefix, log });
      const stop = stopRequest(io);
      try {
        await silences.start();
        const operatorConsole = createConsole({
          config,
          redis,
          silences,
          log,
          kafka: kafkaOf(config, log),
          ...(flags.host === undefined ? {} : { host: flags.host }),
          ...(port === undefined ? {} : { port }),
        });
        try {
          const { url } = await operatorConsole.start();
          io.stdout.write(`kube-herald console: ${url}\n`);
          await stop.stopped;
        } finally {
          await operatorConsole.close();
        }
      } finally {
        stop.dispose();
        await silences.close();
        await redis.quit().catch(() => redis.disconnect());
      }
      setExit(0);
    });
}
