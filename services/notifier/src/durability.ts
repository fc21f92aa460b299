import type { Redis } from 'ioredis';
import { KhError } from '@kube-herald/errors';
import type { NotifierConfig } from './config.js';

/**
 * What must hold before a batch's offsets are committed (`redis.durability.mode`):
 * - `none`: Redis acknowledged the write (single node with `appendfsync always` is durable this way);
 * - `replica`: `WAIT` — `replicas` replicas acknowledged it (primary + replica with failover);
 * - `aof`: `WAITAOF 1 0` — fsynced to the local AOF (Redis ≥ 7.2 or Valkey, with `appendfsync everysec`);
 * - `replica+aof`: `WAITAOF 1 replicas` — fsynced locally and on `replicas` replicas.
 */
export type DurabilityMode = 'none' | 'replica' | 'aof' | 'replica+aof';

/** `redis.durability` of the config. */
export interface DurabilityOptions {
  readonly mode: DurabilityMode;
  readonly replicas: number;
  readonly timeoutMs: number;
}

/** Code of the error a batch fails with when its writes are not durable yet (retried, never DLQ'd). */
export const NOT_DURABLE = 'notifier_not_durable';

/**
 * Returns the step ingest awaits after its Redis writes: it covers every write sent before it on `redis`
 * (WAIT/WAITAOF apply to the connection's earlier writes), and rejects when the replicas or the fsync did
 * not confirm within the timeout — the batch is then retried, and its redelivery deduped.
 */
export function createDurability(redis: Redis, o: DurabilityOptions): () => Promise<void> {
  const fail = (what: string, cause?: unknown): never => {
    throw new KhError(NOT_DURABLE, `Redis write not durable within ${o.timeoutMs} ms: ${what}`, {
      verdict: 'retry',
      ...(cause === undefined ? {} : { cause }),
    });
  };
  // an error reply (WAITAOF before Redis 7.2, WAIT on a replica) is an outage of this step, never a record's
  const call = (...args: (string | number)[]): Promise<unknown> =>
    redis.call(args[0] as string, ...args.slice(1)).catch((err: unknown) => fail(String(err), err));
  switch (o.mode) {
    case 'none':
      return () => Promise.resolve();
    case 'replica':
      return async () => {
        const acked = Number(await call('WAIT', o.replicas, o.timeoutMs));
        if (acked < o.replicas) fail(`${acked} of ${o.replicas} replicas acknowledged`);
      };
    case 'aof':
    case 'replica+aof': {
      const replicas = o.mode === 'aof' ? 0 : o.replicas;
      return async () => {
        const [local, remote] = (await call('WAITAOF', 1, replicas, o.timeoutMs)) as number[];
        if ((local ?? 0) < 1) fail('not fsynced to the local AOF');
        if ((remote ?? 0) < replicas) fail(`${remote ?? 0} of ${replicas} replicas fsynced`);
      };
    }
  }
}

/** `redis.durability` of the config as {@link createDurability} takes it. */
export function durabilityOf(config: NotifierConfig): DurabilityOptions {
  return {
    mode: config.redis.durability.mode,
    replicas: config.redis.durability.replicas,
    timeoutMs: config.redis.durability.timeout,
  };
}
