import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcOptions = { type: 'major'; execution: 'sync'; flavor: 'last-resort' };

/**
 * One memory-reducing full GC (V8's "last resort" collection: compacts the old generation, shrinks the
 * young generation, may flush old bytecode, releases the emptied pages). A service that has just started
 * holds start-up's garbage in a young generation start-up grew (4 of 4 MB committed at 2 MB semi-spaces,
 * 12.2 MB old space): after it 1 MB and 11.1 MB, and the collector idles 5–7 MB lower in RSS
 * (`bench.sh collector-rates`, RssAnon). V8 does not do it by itself in an idle process: with no
 * allocation there is no GC to shrink the heap (an ordinary full GC, tried, releases nothing).
 *
 * `gc` comes from a throw-away vm context created while `--expose-gc` is set, and the flag is cleared at
 * once, so the service's own global never has `gc` (the process is not started with `--expose-gc`).
 * Returns false when V8 refused (the flag was not honoured), having done nothing.
 */
export function compactHeap(): boolean {
  const exposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
  if (!exposed) setFlagsFromString('--expose-gc');
  let gc: unknown;
  try {
    gc = runInNewContext('typeof gc === "function" ? gc : undefined');
  } finally {
    if (!exposed) setFlagsFromString('--no-expose-gc');
  }
  if (typeof gc !== 'function') return false;
  (gc as (o: GcOptions) => void)({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return true;
}

/** Options of {@link compactHeapWhenQuiet}. */
export interface CompactWhenQuietOptions {
  /** How long the event loop is watched before each try (ms). */
  readonly everyMs: number;
  /** Quiet: the event loop was busy at most this share of the last `everyMs` (0..1). */
  readonly quietUtilization: number;
  /** Called once, after the compaction: whether it ran, how long it took, heapTotal before and after. */
  readonly onDone: (r: {
    done: boolean;
    ms: number;
    heapTotalBefore: number;
    heapTotalAfter: number;
  }) => void;
}

/**
 * {@link compactHeap} once, at the first `everyMs` window in which the event loop was quiet, so its pause
 * (~70 ms for the collector) never lands in a burst; the timers do not keep the process alive.
 * Returns the cancel function (a no-op once done).
 */
export function compactHeapWhenQuiet(o: CompactWhenQuietOptions): () => void {
  let mark = performance.eventLoopUtilization();
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    const busy = performance.eventLoopUtilization(mark).utilization;
    mark = performance.eventLoopUtilization();
    if (busy > o.quietUtilization) {
      timer = setTimeout(tick, o.everyMs).unref();
      return;
    }
    timer = undefined;
    const heapTotalBefore = process.memoryUsage().heapTotal;
    const startedAt = performance.now();
    const done = compactHeap();
    const ms = performance.now() - startedAt;
    o.onDone({ done, ms, heapTotalBefore, heapTotalAfter: process.memoryUsage().heapTotal });
  };
  timer = setTimeout(tick, o.everyMs).unref();
  return () => clearTimeout(timer);
}
