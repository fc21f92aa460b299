import type { StalledPartition, Subscriber } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import type { NotifierMetrics } from './metrics.js';

/** Dependencies of {@link createStallWatch}. */
export interface StallWatchDeps {
  readonly subscriber: Pick<Subscriber, 'stalled'>;
  /** No progress this long makes a partition stalled (`kafka.stallTimeout`). */
  readonly timeoutMs: number;
  readonly metrics: Pick<NotifierMetrics, 'partitionStalls' | 'stalledPartitions'>;
  readonly log: Logger;
}

/** The progress watchdog: readiness check, warning and metrics for partitions that make no progress. */
export interface StallWatch {
  /** Readiness check: true, or which partitions are stalled. */
  check(): true | string;
  start(): void;
  stop(): void;
}

const id = (p: StalledPartition): string => `${p.topic}/${p.partition}@${p.since}`;

/**
 * Polls the subscriber's batches in progress (every quarter of the timeout, at most 5 s): a partition
 * without progress for `timeoutMs` is logged at warn and counted once per stall, `stalled_partitions`
 * holds how many are stalled now, and `/readyz` answers false while any is.
 */
export function createStallWatch(deps: StallWatchDeps): StallWatch {
  const warned = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const stalled = (): StalledPartition[] => deps.subscriber.stalled?.(deps.timeoutMs) ?? [];

  function tick(): void {
    const now = stalled();
    deps.metrics.stalledPartitions.set(now.length);
    const current = new Set(now.map(id));
    for (const key of warned) if (!current.has(key)) warned.delete(key);
    for (const p of now) {
      if (warned.has(id(p))) continue;
      warned.add(id(p));
      deps.metrics.partitionStalls.inc();
      deps.log.warn(
        { topic: p.topic, partition: p.partition, offset: p.offset, failures: p.failures, sinceMs: p.since },
        'partition makes no progress; readiness is false until it does',
      );
    }
  }

  return {
    check() {
      const now = stalled();
      if (now.length === 0) return true;
      return `no progress for ${deps.timeoutMs} ms: ${now.map((p) => `${p.topic}/${p.partition} at offset ${p.offset}`).join(', ')}`;
    },
    start() {
      const every = Math.max(100, Math.min(5_000, Math.floor(deps.timeoutMs / 4)));
      timer = setInterval(tick, every);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
