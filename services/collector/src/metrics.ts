import { Counter, Gauge, Histogram, type Registry } from '@kube-herald/observability';

const P = 'kube_herald_collector_';

/** Why an event was observed but not published. */
export type SkipReason = 'deleted' | 'old' | 'duplicate' | 'unchanged';

/** The collector's metrics; every label set is bounded (reasons are fixed codes). */
export interface CollectorMetrics {
  readonly eventsWatched: Counter<'api' | 'type'>;
  readonly eventsPublished: Counter;
  readonly eventsSkipped: Counter<'reason'>;
  readonly normalizeFailures: Counter<'reason'>;
  readonly normalizeWarnings: Counter<'code'>;
  readonly dropped: Counter<'reason'>;
  readonly buffered: Gauge;
  readonly watchRestarts: Counter<'reason'>;
  readonly relists: Counter<'reason'>;
  readonly heartbeats: Counter<'result'>;
  readonly publishLatency: Histogram;
  readonly publishFailures: Counter<'code'>;
  readonly enrichmentFailures: Counter<'reason'>;
  readonly enrichmentLookups: Counter<'result'>;
  readonly leader: Gauge;
  readonly leaseErrors: Counter<'code'>;
  readonly heapCompaction: Gauge;
}

/** Registers the collector's metrics on `registry`. */
export function createCollectorMetrics(registry: Registry): CollectorMetrics {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: P + name, help, labelNames, registers });
  return {
    eventsWatched: counter('events_watched_total', 'Event objects seen by list or watch.', ['api', 'type']),
    eventsPublished: counter('events_published_total', 'Occurrences acknowledged by Kafka.'),
    eventsSkipped: counter('events_skipped_total', 'Events seen but not published, by reason.', ['reason']),
    normalizeFailures: counter('normalize_failures_total', 'Objects that could not be normalized.', [
      'reason',
    ]),
    normalizeWarnings: counter('normalize_warnings_total', 'Fields repaired while normalizing.', ['code']),
    dropped: counter('dropped_total', 'Events dropped (never silently), by reason.', ['reason']),
    buffered: new Gauge({
      name: P + 'buffered',
      help: 'Events waiting to be acknowledged by Kafka.',
      registers,
    }),
    watchRestarts: counter('watch_restarts_total', 'Watch streams restarted, by reason.', ['reason']),
    relists: counter('relists_total', 'Full LISTs, by reason.', ['reason']),
    heartbeats: counter('watch_heartbeats_total', 'Heartbeats written into quiet watches, by result.', [
      'result',
    ]),
    publishLatency: new Histogram({
      name: P + 'publish_latency_seconds',
      help: 'From observation (list/watch) to Kafka acknowledgement.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    publishFailures: counter('publish_failures_total', 'Failed Kafka publish attempts (retried).', ['code']),
    enrichmentFailures: counter('enrichment_failures_total', 'Owner/label lookups that failed.', ['reason']),
    enrichmentLookups: counter('enrichment_lookups_total', 'Enrichment outcomes per event.', ['result']),
    leader: new Gauge({ name: P + 'leader', help: '1 while this instance holds the Lease.', registers }),
    leaseErrors: counter('lease_errors_total', 'Failed Lease reads/writes.', ['code']),
    heapCompaction: new Gauge({
      name: P + 'heap_compaction_seconds',
      help: 'How long the one-off memory-reducing GC after start took (0 until it has run).',
      registers,
    }),
  };
}
