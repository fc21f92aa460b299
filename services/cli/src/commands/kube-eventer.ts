import type { Command } from 'commander';
import { kubeEventerSinksToConfig, toYaml } from '@kube-herald/notifier';
import { usageError } from '../exit-codes.js';
import { ioOf } from '../io.js';

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** `kube-herald config from-kube-eventer`: the notifier YAML equivalent to kube-eventer DingTalk sinks. */
export function registerFromKubeEventer(config: Command): void {
  config
    .command('from-kube-eventer')
    .description("Print the notifier config equivalent to kube-eventer's --sink=dingtalk:... flags.")
    .option(
      '--sink <sink>',
      'a kube-eventer sink, dingtalk:<webhook>&label=..&level=..&namespaces=..&kinds=..&sign=..&msg_type=.. (repeatable, at least one)',
      collect,
      [] as string[],
    )
    .option('--kafka-brokers <list>', 'Kafka brokers to write (default: ${KH_KAFKA_BROKERS})')
    .option('--redis <url>', 'Redis URL to write (default: ${KH_REDIS_URL})')
    .addHelpText(
      'after',
      `
Each sink becomes a receiver and a continue: true route: label → cluster match, level=Warning (default) →
Warning events only, level=Normal → all, namespaces/kinds → namespace/kind matches, sign → secret,
msg_type → msgType. The output holds the webhooks and secrets: move them to webhookFile/secretFile.

Example:
  kube-herald config from-kube-eventer --sink='dingtalk:https://oapi.dingtalk.com/robot/send?access_token=<token>&label=<cluster_id>&level=Warning' > notifier.yaml`,
    )
    .action((flags: { sink: string[]; kafkaBrokers?: string; redis?: string }, cmd: Command) => {
      if (flags.sink.length === 0) throw usageError('give at least one --sink=dingtalk:<webhook>&...');
      const doc = kubeEventerSinksToConfig(flags.sink, {
        ...(flags.kafkaBrokers === undefined ? {} : { kafkaBrokers: flags.kafkaBrokers }),
        ...(flags.redis === undefined ? {} : { redisUrl: flags.redis }),
      });
      ioOf(cmd).stdout.write(toYaml(doc));
    });
}
