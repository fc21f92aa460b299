import type { Logger } from '@kube-herald/logging';
import type {
  BusRecord,
  HandlerContext,
  PoisonPolicy,
  StalledPartition,
  SubscriberHandler,
} from './types.js';

/** The progress of one partition's batch in progress (mutable, owned by the subscriber). */
interface Progress {
  readonly topic: string;
  readonly partition: number;
  offset: string;
  since: number;
  failures: number;
}

/** Tracks the batches in progress per partition, for {@link Subscriber.stalled} (internal). */
export interface ProgressTracker {
  begin(topic: string, partition: number, offset: string): Progress;
  /** Records up to `nextOffset` (exclusive) are processed. */
  advance(p: Progress, nextOffset: string): void;
  fail(p: Progress): void;
  end(p: Progress): void;
  stalled(olderThanMs: number): StalledPartition[];
}

export function createProgressTracker(now: () => number = Date.now): ProgressTracker {
  const open = new Set<Progress>();
  return {
    begin(topic, partition, offset) {
      const p: Progress = { topic, partition, offset, since: now(), failures: 0 };
      open.add(p);
      return p;
    },
    advance(p, nextOffset) {
      p.offset = nextOffset;
      p.since = now();
      p.failures = 0;
    },
    fail: (p) => void (p.failures += 1),
    end: (p) => void open.delete(p),
    stalled(olderThanMs) {
      const t = now();
      return [...open].filter((p) => t - p.since >= olderThanMs).map((p) => ({ ...p }));
    },
  };
}

/** What {@link runBatch} needs from the subscriber. */
export interface BatchRun {
  readonly records: readonly BusRecord[];
  readonly handler: SubscriberHandler;
  readonly ctx: HandlerContext;
  readonly poison: PoisonPolicy | undefined;
  readonly progress: Progress;
  readonly tracker: ProgressTracker;
  /** True when the partition was revoked, the consumer stopped or the subscriber closed. */
  readonly stopped: () => boolean;
  /** Waits the back-off of the given failure count (heartbeating). */
  readonly backOff: (attempt: number) => Promise<void>;
  readonly log: Logger;
}

/** Failures of a whole batch with record errors before its records are handled one at a time. */
const BATCH_ATTEMPTS = 2;

const next = (offset: string): string => (BigInt(offset) + 1n).toString();

function warnFailure(run: BatchRun, err: unknown, offset: string, attempt: number, what: string): void {
  const { topic, partition } = run.progress;
  run.log.warn({ err, topic, partition, offset, attempt }, what);
}

/**
 * Handles one batch until every record is processed: the whole batch first; after record errors, one
 * record at a time, giving a record up to the poison policy after its attempts. Resolves true when all
 * records were processed (the caller commits), false when it stopped (nothing more to commit).
 */
export async function runBatch(run: BatchRun): Promise<boolean> {
  const first = run.records[0];
  if (first === undefined) return true;
  for (let attempt = 0; ; attempt += 1) {
    if (run.stopped()) return false;
    try {
      await run.handler(run.records, run.ctx);
      return true;
    } catch (err) {
      run.tracker.fail(run.progress);
      const recordError = run.poison?.isRecordError(err) === true;
      if (recordError && attempt + 1 >= BATCH_ATTEMPTS) break;
      warnFailure(
        run,
        err,
        first.offset,
        attempt,
        'handler failed; retrying the same records after back-off',
      );
      await run.backOff(attempt);
    }
  }
  return run.poison ? isolate(run, run.poison) : false;
}

async function isolate(run: BatchRun, poison: PoisonPolicy): Promise<boolean> {
  const max = poison.maxAttempts ?? 3;
  run.log.warn(
    { topic: run.progress.topic, partition: run.progress.partition, records: run.records.length },
    'batch failed with a record error; handling its records one at a time',
  );
  for (const record of run.records) {
    if (!(await runOne(run, poison, record, max))) return false;
    run.tracker.advance(run.progress, next(record.offset));
  }
  return true;
}

async function runOne(run: BatchRun, poison: PoisonPolicy, record: BusRecord, max: number): Promise<boolean> {
  let recordFailures = 0;
  let lastError: unknown;
  for (let attempt = 0; ; attempt += 1) {
    if (run.stopped()) return false;
    try {
      if (recordFailures >= max) await poison.onPoison(record, lastError, recordFailures);
      else await run.handler([record], run.ctx);
      return true;
    } catch (err) {
      run.tracker.fail(run.progress);
      if (recordFailures < max && poison.isRecordError(err)) {
        recordFailures += 1;
        lastError = err;
        if (recordFailures >= max) continue;
      }
      warnFailure(run, err, record.offset, attempt, 'record failed; retrying it after back-off');
      await run.backOff(attempt);
    }
  }
}
