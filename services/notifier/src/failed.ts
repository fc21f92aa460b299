import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GroupStore } from './store/group-store.js';
import type { DeliveryJobData } from './scheduler.js';

/** One failed delivery job, as `kube-herald failed list` shows it. */
export interface FailedDelivery {
  readonly id: string;
  readonly receiver: string;
  readonly gid: string;
  readonly window: number;
  readonly failedReason: string;
  readonly attemptsMade: number;
  readonly finishedOn?: number;
}

/** Lists failed delivery jobs (newest first). */
export async function listFailed(queue: Queue<DeliveryJobData>, limit = 100): Promise<FailedDelivery[]> {
  const jobs = await queue.getFailed(0, Math.max(0, limit - 1));
  return jobs.map(toFailed);
}

/**
 * Retries failed jobs (`ids` or every failed job when `all`): the occurrences a permanently failed
 * attempt had taken are put back into their groups first, then the job runs again from attempt 0.
 * Returns the ids retried.
 */
export async function retryFailed(
  queue: Queue<DeliveryJobData>,
  store: GroupStore,
  target: { readonly ids: readonly string[] } | { readonly all: true },
  now: number = Date.now(),
): Promise<string[]> {
  const jobs =
    'all' in target
      ? await queue.getFailed(0, -1)
      : (await Promise.all(target.ids.map((id) => queue.getJob(id)))).filter((j) => j !== undefined);
  const done: string[] = [];
  for (const job of jobs) {
    if (job.id === undefined || !(await job.isFailed())) continue;
    await store.unpark(job.id, now);
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    done.push(job.id);
  }
  return done;
}

/** Bounds of the failed set (`failed.maxCount`, `failed.maxAge`). */
export interface FailedCap {
  readonly maxCount: number;
  readonly maxAgeMs: number;
}

/** A failed job removed by {@link capFailed}, and why. */
export interface FailedEviction {
  readonly job: FailedDelivery;
  readonly why: 'count' | 'age';
}

/** Jobs looked at per sweep (a sweep runs every few seconds: a backlog of evictions drains over a few). */
const SWEEP = 500;

function toFailed(j: Job<DeliveryJobData>): FailedDelivery {
  return {
    id: j.id ?? '',
    receiver: j.data.receiver,
    gid: j.data.gid,
    window: j.data.window,
    failedReason: j.failedReason,
    attemptsMade: j.attemptsMade,
    ...(j.finishedOn === undefined ? {} : { finishedOn: j.finishedOn }),
  };
}

/**
 * Keeps the failed set within `cap`: the oldest failed jobs past `maxCount`, and those failed more than
 * `maxAgeMs` ago, are removed with the occurrences their attempt had parked (`<keys>:ftake:<jobId>`), so
 * `failed retry` can no longer bring them back. Each one is handed to `onEvict` (log + count there).
 */
export async function capFailed(
  queue: Queue<DeliveryJobData>,
  redis: Redis,
  keysPrefix: string,
  cap: FailedCap,
  onEvict: (e: FailedEviction) => void,
  now: number = Date.now(),
): Promise<number> {
  const total = await queue.getFailedCount();
  if (total === 0) return 0;
  const evict = new Map<string, { job: Job<DeliveryJobData>; why: 'count' | 'age' }>();
  if (total > cap.maxCount) {
    for (const j of await queue.getFailed(cap.maxCount, Math.min(total, cap.maxCount + SWEEP) - 1)) {
      if (j.id !== undefined) evict.set(j.id, { job: j, why: 'count' });
    }
  }
  // newest first: the oldest are at the end
  const [oldest] = await queue.getFailed(total - 1, total - 1);
  if (oldest?.finishedOn !== undefined && oldest.finishedOn < now - cap.maxAgeMs) {
    for (const j of await queue.getFailed(Math.max(0, total - SWEEP), total - 1)) {
      if (j.id !== undefined && !evict.has(j.id) && (j.finishedOn ?? now) < now - cap.maxAgeMs) {
        evict.set(j.id, { job: j, why: 'age' });
      }
    }
  }
  let removed = 0;
  for (const [id, { job, why }] of evict) {
    // another replica's sweep may have removed it first: counted once, by the one that did
    if (
      !(await job.remove().then(
        () => true,
        () => false,
      ))
    )
      continue;
    await redis.del(`${keysPrefix}:ftake:${id}`);
    onEvict({ job: toFailed(job), why });
    removed += 1;
  }
  return removed;
}
