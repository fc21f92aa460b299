import type { Queue } from 'bullmq';
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
  return jobs.map((j) => ({
    id: j.id ?? '',
    receiver: j.data.receiver,
    gid: j.data.gid,
    window: j.data.window,
    failedReason: j.failedReason,
    attemptsMade: j.attemptsMade,
    ...(j.finishedOn === undefined ? {} : { finishedOn: j.finishedOn }),
  }));
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
