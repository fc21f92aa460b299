// A key prefix of its own on the real Redis for one test, and its clean-up.
import { Redis } from 'ioredis';
import { redisUrl, uniqueName } from '@kube-herald/testing';

/** Deletes every key under a Redis prefix (in batches of 500). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

/** Runs `fn` with a Redis connection and a fresh prefix (`label` + a unique suffix); then drops the prefix and quits. */
export async function withRedis<T>(
  label: string,
  fn: (redis: Redis, prefix: string) => Promise<T>,
): Promise<T> {
  const redis = new Redis(redisUrl());
  const prefix = uniqueName(label);
  try {
    return await fn(redis, prefix);
  } finally {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
}
