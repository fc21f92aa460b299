import type { Command } from 'commander';
import { parseDuration } from '@kube-herald/config';
import { loadNotifierConfig } from '@kube-herald/notifier';
import type { Env } from '../command-types.js';
import { ExitCode, usageError } from '../exit-codes.js';
import { ioOf, stopRequest } from '../io.js';
import { cliLogger } from '../util/logger.js';
import { iso, parseTimeArg } from '../util/time.js';
import { runReplay } from '../replay/replay.js';
import type { SetExit } from '../command-types.js';

interface ReplayFlags {
  readonly from: string;
  readonly to?: string;
  readonly cluster: string[];
  readonly namespace: string[];
  readonly route?: string;
  readonly receiver?: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly output: string;
  readonly config: string;
  readonly wait: string;
  readonly logLevel: string;
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];

function patterns(flag: string, values: readonly string[]): RegExp[] {
  return values.map((v) => {
    try {
      return new RegExp(`^(?:${v})$`);
    } catch {
      throw usageError(`${flag}: "${v}" is not a valid regular expression`);
    }
  });
}

const HELP = `
The window [--from, --to) is found with Kafka's offsets-by-timestamp; without --to it ends at the end
offsets taken at start. Only those offsets are read, by a temporary consumer group of their own
(<groupId>-replay-*, never committed to, deleted at the end), so the live notifier group is never
disturbed; a missing topic is reported at once (exit 2). Every event goes through the notifier's own decision engine
(dedup → silence → route → group). Dedup is per occurrence and receiver: a receiver gets only what it
has not had (a new receiver is backfilled without --force; what was notified is not sent again). --force
sends again.
Groups are delivered by the notifier's scheduler and worker, with their groupWait/groupInterval.
Progress goes to stderr (bars on a terminal, lines otherwise); Ctrl-C stops after the current batch.

Times: 2h, 30m, 1d (ago), now, 2025-05-01T10:00:00+08:00 (no offset = UTC), epoch ms.

Examples:
  # backfill a new receiver with the last 6 hours (only it receives anything)
  kube-herald replay --from 6h --receiver payments-oncall --config notifier.yaml
  # what would go out for one namespace yesterday afternoon
  kube-herald replay --from 2025-05-01T06:00:00Z --to 2025-05-01T10:00:00Z --namespace payments --dry-run --config notifier.yaml
  # export the events of the window as JSON lines
  kube-herald replay --from 1h --dry-run --output jsonl --config notifier.yaml > events.jsonl`;

/** `kube-herald replay`: re-read the topic by time through the notifier's decision engine. */
export function registerReplay(program: Command, env: Env, setExit: SetExit): void {
  program
    .command('replay')
    .description('Re-read the topic by time to backfill a new route or receiver, without re-alerting.')
    .requiredOption('--from <time>', 'start of the window: a time or a duration ago (2h)')
    .option('--to <time>', 'end of the window, exclusive (default: the end of the topic at start)')
    .option(
      '--cluster <regex>',
      'only events of these clusters (cluster.id, full match; repeatable)',
      collect,
      [] as string[],
    )
    .option(
      '--namespace <regex>',
      'only events of these namespaces (full match; repeatable)',
      collect,
      [] as string[],
    )
    .option('--route <name>', 'deliver only through this route (its name or id, e.g. root.routes[1])')
    .option('--receiver <name>', 'deliver only to this receiver')
    .option('--dry-run', 'decide and print, send nothing and write nothing to Redis')
    .option('--force', 'send again occurrences the receivers already had')
    .option(
      '--output <format>',
      'table (a line per event and its decision) or jsonl (the events, as published)',
      'table',
    )
    .option('--wait <duration>', 'longest wait for the replayed groups to be delivered', '5m')
    .option('--log-level <level>', 'log level of the JSON logs on stderr', 'warn')
    .requiredOption('--config <file>', 'the notifier config file (Kafka, Redis, receivers, routes)')
    .addHelpText('after', HELP)
    .action(async (flags: ReplayFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.output !== 'table' && flags.output !== 'jsonl')
        throw usageError(`--output: "${flags.output}" is not table or jsonl`);
      if (flags.route !== undefined && flags.receiver !== undefined)
        throw usageError('give --route or --receiver, not both');
      const waitMs = parseDuration(flags.wait);
      if (waitMs === undefined) throw usageError(`--wait: "${flags.wait}" is not a duration`);
      const now = Date.now();
      const from = parseTimeArg('--from', flags.from, now);
      const to = flags.to === undefined ? now : parseTimeArg('--to', flags.to, now);
      if (from >= to) throw usageError(`empty time range: --from ${iso(from)} is not before --to ${iso(to)}`);
      const config = loadNotifierConfig(flags.config, env);
      const clusters = patterns('--cluster', flags.cluster);
      const namespaces = patterns('--namespace', flags.namespace);
      const log = cliLogger(io, flags.logLevel, 'replay');
      const stop = stopRequest(io);
      try {
        const result = await runReplay(
          {
            config,
            from,
            to,
            toGiven: flags.to !== undefined,
            clusters,
            namespaces,
            ...(flags.route === undefined ? {} : { route: flags.route }),
            ...(flags.receiver === undefined ? {} : { receiver: flags.receiver }),
            dryRun: flags.dryRun === true,
            force: flags.force === true,
            output: flags.output,
            waitMs,
          },
          io,
          log,
          stop.stopped,
        );
        if (result.interrupted) setExit(ExitCode.interrupted);
        else if (result.tally.failed > 0) setExit(ExitCode.delivery);
      } finally {
        stop.dispose();
      }
    });
}
