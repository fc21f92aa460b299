import type { CollectorConfig } from './config.js';

// Live memory of the collector's parts, measured with the collector bench (BENCHMARKS.md): modules, a LIST
// page and the batches in flight; each buffered record's objects besides its value; each enrichment cache
// entry (owner chain and labels). Seen occurrenceIds are not on the heap (id-table.ts: typed arrays of
// ~40 bytes per id of `seenSize`, allocated at start and counted in RSS, not against the heap limit).
const BASE_BYTES = 24 * 1024 * 1024;
const PER_BUFFERED_RECORD = 300;
const PER_ENRICHMENT_ENTRY = 1024;
const PER_WATCHED_OBJECT = 250; // key, owner reference and picked labels of one watched Pod/ReplicaSet/Job
/** Share of the heap limit the live data may take: above it, garbage collection runs nearly non-stop. */
export const HEAP_BUDGET_SHARE = 0.8;

/** What the collector's bounded parts may hold at most, against the heap limit it runs with. */
export interface HeapBudget {
  readonly needBytes: number;
  readonly limitBytes: number;
  /** True when `needBytes` stays within {@link HEAP_BUDGET_SHARE} of `limitBytes`. */
  readonly fits: boolean;
}

/**
 * The live heap memory the configuration allows (`bufferSize`/`bufferBytes`, the enrichment cache)
 * against the V8 heap limit (`--max-old-space-size`, which also bounds Buffers): a collector whose bounds
 * do not fit would run out of heap under load instead of applying backpressure.
 */
export function heapBudget(config: CollectorConfig['collector'], limitBytes: number): HeapBudget {
  const needBytes =
    BASE_BYTES +
    config.bufferBytes +
    config.bufferSize * PER_BUFFERED_RECORD +
    (config.enrichment.enabled ? config.enrichment.cacheSize * PER_ENRICHMENT_ENTRY : 0) +
    (config.enrichment.enabled && config.enrichment.watchOwners
      ? config.enrichment.maxWatchedObjects * PER_WATCHED_OBJECT
      : 0);
  return { needBytes, limitBytes, fits: needBytes <= limitBytes * HEAP_BUDGET_SHARE };
}
