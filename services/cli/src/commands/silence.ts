import type { Command } from 'commander';
import { isKhError } from '@kube-herald/errors';
import { createSilenceStore, type Silence, type SilenceStore } from '@kube-herald/notifier';
import type { Env } from '../command-types.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';
import { ioOf } from '../io.js';
import { openRedis, redisOptions, redisTarget, type RedisFlags } from '../util/redis.js';
import type { SetExit } from '../command-types.js';

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** `key=regex` is a full-match regex (as in routes); `key!=v`, `key=~re`, `key!~re` are kept as written. */
export function matcherText(text: string): string {
  if (/^\s*[A-Za-z][\w./-]*\s*(=~|!~|!=)/.test(text)) return text;
  const eq = text.indexOf('=');
  if (eq <= 0) throw usageError(`--match: "${text}" is not key=regex`);
  return `${text.slice(0, eq).trim()}=~${JSON.stringify(text.slice(eq + 1))}`;
}

function describe(s: Silence): string {
  const ms = s.matchers.map((m) => `${m.field}${m.op}${JSON.stringify(m.value)}`).join(', ');
  return `${s.id}\t${s.startsAt} → ${s.endsAt}\t${s.createdBy}\t${ms}\t${s.comment}\n`;
}

async function withStore<T>(
  flags: RedisFlags,
  env: Env,
  fn: (store: SilenceStore) => Promise<T>,
): Promise<T> {
  const target = redisTarget(flags, env);
  const redis = await openRedis(target);
  const store = createSilenceStore({ redis, prefix: target.prefix });
  try {
    return await fn(store);
  } catch (err) {
    if (isKhError(err, 'silence_invalid')) throw usageError(err.message);
    if (isKhError(err, 'silence_not_found')) throw new CliError('cli_not_found', err.message, ExitCode.usage);
    throw err;
  } finally {
    await store.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** `kube-herald silence add|list|expire`: silences shared by the whole notifier fleet (Redis). */
export function registerSilence(program: Command, env: Env, setExit: SetExit): void {
  const silence = program
    .command('silence')
    .description('Silence matching events for a while (fleet-wide, effective within seconds).');
  redisOptions(silence.command('add'))
    .description('Add a silence: events matching every --match are not notified until it ends.')
    .requiredOption(
      '--match <matcher>',
      'field=regex (full match), or field!=value, field=~re, field!~re (repeatable)',
      collect,
      [] as string[],
    )
    .requiredOption('--for <duration>', 'how long, e.g. 30m, 2h, 1d')
    .requiredOption('--by <who>', 'who silences (shown in silence list)')
    .requiredOption('--why <text>', 'why (shown in silence list)')
    .addHelpText(
      'after',
      `
Fields: cluster, clusterName, namespace, kind, name, reason, type, message, component, reportingController,
owner, ownerKind, ownerName, labels.<key>.

Examples:
  kube-herald silence add --match cluster=prod-hz-1 --match reason='BackOff|CrashLoopBackOff' --for 2h --by alice --why "rolling out the fix" --config notifier.yaml
  kube-herald silence add --match namespace=load-test --for 1d --by bob --why "load test" --redis redis://127.0.0.1:6379`,
    )
    .action(
      async (flags: RedisFlags & { match: string[]; for: string; by: string; why: string }, cmd: Command) => {
        const matchers = flags.match.map(matcherText);
        const s = await withStore(flags, env, (store) =>
          store.add({ matchers, for: flags.for, createdBy: flags.by, comment: flags.why }),
        );
        ioOf(cmd).stdout.write(`silenced until ${s.endsAt}: ${s.id}\n`);
        setExit(0);
      },
    );
  redisOptions(silence.command('list'))
    .description('List active silences (with --all also the expired ones).')
    .option('--all', 'include expired silences')
    .option('--output <format>', 'table or json', 'table')
    .addHelpText('after', '\nExample:\n  kube-herald silence list --config notifier.yaml')
    .action(async (flags: RedisFlags & { all?: boolean; output: string }, cmd: Command) => {
      const io = ioOf(cmd);
      const list = await withStore(flags, env, (store) => store.list({ includeExpired: flags.all === true }));
      if (flags.output === 'json') io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else {
        io.stdout.write('ID\tACTIVE\tBY\tMATCHERS\tWHY\n');
        for (const s of list) io.stdout.write(describe(s));
      }
      setExit(0);
    });
  redisOptions(silence.command('expire'))
    .description('End a silence now.')
    .argument('<id>', 'the silence id (from silence add or list)')
    .addHelpText('after', '\nExample:\n  kube-herald silence expire 4b1f… --config notifier.yaml')
    .action(async (id: string, flags: RedisFlags, cmd: Command) => {
      const s = await withStore(flags, env, (store) => store.expire(id));
      ioOf(cmd).stdout.write(`expired ${s.id} at ${s.endsAt}\n`);
      setExit(0);
    });
}
