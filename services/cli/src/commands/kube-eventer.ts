import type { Command } from 'commander';
import { kubeEventerConfigYaml } from '@kube-herald/notifier';
import { usageError } from '../exit-codes.js';
import { ioOf } from '../io.js';

const collect = (v: string, acc: string[]): string[] => [...acc, v];

interface Flags {
  readonly sink: string[];
  readonly kafkaBrokers?: string;
  readonly redis?: string;
  readonly secretsDir?: string;
  readonly namespace?: string;
}

/** `kube-herald config from-kube-eventer`: the notifier YAML equivalent to kube-eventer sinks. */
export function registerFromKubeEventer(config: Command): void {
  config
    .command('from-kube-eventer')
    .description(
      "Print the notifier config equivalent to kube-eventer's --sink=dingtalk:... and --sink=wechat:... flags (secrets by file, never inline).",
    )
    .option(
      '--sink <sink>',
      'a kube-eventer sink (repeatable, at least one): dingtalk:<webhook>&label=..&level=..&namespaces=..&kinds=..&sign=..&msg_type=.. or wechat:?corp_id=..&corp_secret=..&agent_id=..&to_user=..&label=..&level=..&namespaces=..&kinds=..',
      collect,
      [] as string[],
    )
    .option('--kafka-brokers <list>', 'Kafka brokers to write (default: ${KH_KAFKA_BROKERS})')
    .option('--redis <url>', 'Redis URL to write (default: ${KH_REDIS_URL})')
    .option(
      '--secrets-dir <dir>',
      "directory of the receivers' secret files: <dir>/<receiver>/webhook|secret",
      '/secrets',
    )
    .option('--namespace <ns>', 'namespace in the printed kubectl create secret commands', 'kube-herald')
    .addHelpText(
      'after',
      `
Each sink becomes a receiver and a continue: true route: label → cluster match, level=Warning (default) →
Warning events only, level=Normal → all, namespaces/kinds → namespace/kind matches, msg_type → msgType.
Webhooks and signing secrets are NOT printed: each receiver reads them from webhookFile/secretFile, and a
comment above it shows the kubectl create secret command (or the \${VAR} line) that provides them.
wechat: sinks send WeCom application messages (corp_id, corp_secret, agent_id); kube-herald sends to a
WeCom group robot instead: corp_id/corp_secret/agent_id have no equivalent (WARNING lines say so), to_user
becomes @-mentions, and the group robot's webhook goes in the receiver's webhookFile.

Example:
  kube-herald config from-kube-eventer --sink='dingtalk:https://oapi.dingtalk.com/robot/send?access_token=<token>&label=<cluster_id>&level=Warning' > notifier.yaml`,
    )
    .action((flags: Flags, cmd: Command) => {
      if (flags.sink.length === 0)
        throw usageError('give at least one --sink=dingtalk:<webhook>&... or --sink=wechat:?...');
      const yaml = kubeEventerConfigYaml(flags.sink, {
        ...(flags.kafkaBrokers === undefined ? {} : { kafkaBrokers: flags.kafkaBrokers }),
        ...(flags.redis === undefined ? {} : { redisUrl: flags.redis }),
        ...(flags.secretsDir === undefined ? {} : { secretsDir: flags.secretsDir }),
        ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
      });
      ioOf(cmd).stdout.write(yaml);
    });
}
