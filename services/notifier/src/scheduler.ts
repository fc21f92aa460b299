import type { Queue } from 'bullmq';
import type { Logger } from '@kube-herald/logging';
import { backoffDelay, errorCode } from '@kube-herald/errors';
import type { DueFlush, GroupStore } from './store/group-store.js';
import type { NotifierMetrics } from './metrics.js';

/** Data of a delivery job: ids only (never webhooks, secrets or message text). */
export interface DeliveryJobData {
  readonly receiver: string;
  readonly gid: string;
  readonly window: number;
}

/** Options of {@link createScheduler}. */
export interface SchedulerDeps {
  readonly store: GroupStore;
  readonly queue: Queue<DeliveryJobData>;
  readonly metrics: NotifierMetrics;
  readonly log: Logger;
  /** Poll period of the `due` set. Default 500 ms. */
  readonly pollMs?: number;
  /** Groups claimed per poll. Default 200. */
  readonly batch?: number;
  readonly now?: () => number;
}

/** Polls due groups and enqueues one job per (group, receiver, flush window). Safe with many replicas. */
export interface Scheduler {
  start(): void;
  /** One poll (tests, and the loop). Returns the flushes enqueued. */
  tick(): Promise<DueFlush[]>;
  /**
   * Polls now instead of at the next period (after ingest recorded events: a group with groupWait 0 is
   * due at once, and a quiet cluster's alert should not wait up to a poll period). Coalesced: a poke
   * during a poll runs one more poll right after it.
   */
  poke(): void;
  close(): Promise<void>;
}

/** Deterministic job id: a duplicated flush of the same window can never send twice. */
export function deliveryJobId(f: DueFlush): string {
  return `${f.receiver.replace(/[^A-Za-z0-9_.-]/g, '_')}.${f.gid}.${f.window}`;
}

/** Creates the scheduler. */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const pollMs = deps.pollMs ?? 500;
  const log = deps.log.child({ component: 'scheduler' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let closed = false;
  let failures = 0;
  let busy = false;
  let again = false;
  const tick = async (): Promise<DueFlush[]> => {
    const due = await deps.store.claimDue(deps.now?.() ?? Date.now(), deps.batch ?? 200);
    if (due.length === 0) return due;
    await deps.queue.addBulk(
      due.map((f) => ({
        name: 'deliver',
        data: { receiver: f.receiver, gid: f.gid, window: f.window },
        opts: { jobId: deliveryJobId(f) },
      })),
    );
    return due;
  };
  const loop = (): void => {
    if (closed) return;
    busy = true;
    again = false;
    running = tick().then(
      (due) => {
        busy = false;
        failures = 0;
        // a full batch means more are due, or a poke came during the poll: poll again at once
        schedule(due.length >= (deps.batch ?? 200) || again ? 0 : pollMs);
      },
      (err: unknown) => {
        busy = false;
        failures += 1;
        deps.metrics.errors.inc({ component: 'scheduler' });
        log.warn({ err, code: errorCode(err), failures }, 'scheduler poll failed; backing off');
        schedule(backoffDelay(failures, pollMs, Math.min(30_000, pollMs * 2 ** 6), 0));
      },
    );
  };
  const schedule = (ms: number): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(loop, ms);
  };
  let started = false;
  let closing: Promise<void> | undefined;
  return {
    start() {
      started = true;
      schedule(0);
    },
    tick,
    poke() {
      if (!started || closed || failures > 0) return;
      if (busy) again = true;
      else schedule(0);
    },
    close() {
      closing ??= (async () => {
        closed = true;
        if (timer) clearTimeout(timer);
        await running;
      })();
      return closing;
    },
  };
}
