import type { Command } from 'commander';
import { Queue } from 'bullmq';
import {
  DELIVERY_QUEUE,
  createGroupStore,
  listFailed,
  notifierPrefixes,
  replayPrefixes,
  retryFailed,
  type FailedDelivery,
} from '@kube-herald/notifier';
import type { Env } from '../command-types.js';
import { usageError } from '../exit-codes.js';
import { ioOf } from '../io.js';
import { openRedis, redisOptions, redisTarget, type RedisTarget } from '../util/redis.js';
import type { SetExit } from '../command-types.js';

/** The delivery queue's job data (ids only), as the notifier's failed functions take it. */
type JobData = Parameters<typeof listFailed>[0] extends Queue<infer D> ? D : never;

interface FailedFlags {
  readonly config?: string;
  readonly redis?: string;
  readonly prefix?: string;
  readonly replay?: boolean;
}

async function withQueue<T>(
  target: RedisTarget,
  fn: (queue: Queue<JobData>, store: ReturnType<typeof createGroupStore>) => Promise<T>,
  replay = false,
): Promise<T> {
  const redis = await openRedis(target);
  const cfg = { redis: { prefix: target.prefix, url: target.url } };
  const pre = replay ? replayPrefixes(cfg) : notifierPrefixes(cfg);
  const queue = new Queue<JobData>(DELIVERY_QUEUE, { connection: redis, prefix: pre.bull });
  try {
    const store = createGroupStore({
      redis,
      prefix: pre.keys,
      dedupTtlMs: target.config?.dedup.ttl ?? 7 * 86_400_000,
    });
    return await fn(queue, store);
  } finally {
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

function row(f: FailedDelivery): string {
  const when = f.finishedOn === undefined ? '-' : new Date(f.finishedOn).toISOString();
  return `${f.id}\t${f.receiver}\t${when}\t${f.attemptsMade}\t${f.failedReason}\n`;
}

/** `kube-herald failed list|retry`: deliveries that ended in the failed set. */
export function registerFailed(program: Command, env: Env, setExit: SetExit): void {
  const failed = program
    .command('failed')
    .description('Deliveries that failed permanently (DingTalk refused them or retries ran out).');
  redisOptions(failed.command('list'))
    .description('List failed delivery jobs, newest first: id, receiver, when, attempts, reason (errcode).')
    .option('--limit <n>', 'how many', '100')
    .option('--output <format>', 'table or json', 'table')
    .option(
      '--replay',
      "the failed deliveries of `kube-herald replay` runs (their own queue), not the live fleet's",
    )
    .addHelpText('after', '\nExample:\n  kube-herald failed list --config notifier.yaml')
    .action(async (flags: FailedFlags & { limit: string; output: string }, cmd: Command) => {
      const io = ioOf(cmd);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit <= 0)
        throw usageError(`--limit: "${flags.limit}" is not a positive integer`);
      const jobs = await withQueue(
        redisTarget(flags, env),
        (queue) => listFailed(queue, limit),
        flags.replay === true,
      );
      if (flags.output === 'json') io.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
      else {
        io.stdout.write('ID\tRECEIVER\tFAILED AT\tATTEMPTS\tREASON\n');
        for (const j of jobs) io.stdout.write(row(j));
        io.stderr.write(`${jobs.length} failed deliver${jobs.length === 1 ? 'y' : 'ies'}\n`);
      }
      setExit(0);
    });
  redisOptions(failed.command('retry'))
    .description(
      'Put failed deliveries back: their occurrences return to their groups and the job runs again.',
    )
    .argument('[ids...]', 'job ids from `failed list`')
    .option('--all', 'retry every failed delivery')
    .addHelpText(
      'after',
      '\nExamples:\n  kube-herald failed retry oncall.3f2a….1700000000000 --config notifier.yaml\n  kube-herald failed retry --all --config notifier.yaml',
    )
    .action(async (ids: string[], flags: FailedFlags & { all?: boolean }, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.all === true && ids.length > 0) throw usageError('give job ids or --all, not both');
      if (flags.all !== true && ids.length === 0) throw usageError('give job ids or --all');
      const target = flags.all === true ? { all: true as const } : { ids };
      const done = await withQueue(redisTarget(flags, env), (queue, store) =>
        retryFailed(queue, store, target),
      );
      for (const id of done) io.stdout.write(`retrying ${id}\n`);
      const missed = ids.filter((id) => !done.includes(id));
      for (const id of missed) io.stderr.write(`kube-herald: ${id} is not a failed delivery\n`);
      io.stderr.write(`${done.length} deliver${done.length === 1 ? 'y' : 'ies'} queued again\n`);
      setExit(missed.length > 0 ? 1 : 0);
    });
}
