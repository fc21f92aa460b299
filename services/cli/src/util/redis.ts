import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { loadNotifierConfig, type NotifierConfig } from '@kube-herald/notifier';
import type { Env } from '../command-types.js';
import { runtimeError, usageError } from '../exit-codes.js';
import { assertReachable, redisAddress } from './probe.js';

/** Where the notifier's Redis state lives. */
export interface RedisTarget {
  readonly url: string;
  readonly password?: string;
  /** The config's `redis.prefix`. */
  readonly prefix: string;
  readonly config?: NotifierConfig;
}

/** Flags shared by the commands that only need Redis (`silence`, `failed`). */
export interface RedisFlags {
  readonly config?: string;
  readonly redis?: string;
  readonly prefix?: string;
}

/** Adds the {@link RedisFlags} options to a command. */
export function redisOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'notifier config (Redis url, password and prefix)')
    .option('--redis <url>', 'Redis URL (overrides the config; without --config prefix "kh")')
    .option('--prefix <prefix>', "the config's redis.prefix when only --redis is given");
}

/** Redis from `--config` (its url, password and prefix), `--redis` overriding the url. */
export function redisTarget(flags: RedisFlags, env: Env): RedisTarget {
  if (flags.config !== undefined) {
    const config = loadNotifierConfig(flags.config, env);
    const pw = config.secrets.redisPassword;
    return {
      url: flags.redis ?? config.redis.url,
      prefix: flags.prefix ?? config.redis.prefix,
      config,
      ...(pw === undefined ? {} : { password: pw }),
    };
  }
  if (flags.redis === undefined)
    throw usageError('give --config <notifier config> or --redis redis://host:port');
  if (!/^rediss?:\/\//.test(flags.redis)) throw usageError(`--redis: "${flags.redis}" is not a redis:// URL`);
  return { url: flags.redis, prefix: flags.prefix ?? 'kh' };
}

/** Connects (fails fast with exit 2 when Redis is unreachable). */
export async function openRedis(target: RedisTarget): Promise<Redis> {
  await assertReachable('Redis', [redisAddress(target.url)], 6379);
  const redis = new Redis(target.url, {
    ...(target.password === undefined ? {} : { password: target.password }),
    lazyConnect: true,
    maxRetriesPerRequest: 3,
  });
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw runtimeError(`cannot connect to Redis at ${redisAddress(target.url)}`, err);
  }
}
