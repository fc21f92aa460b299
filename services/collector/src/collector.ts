import { EVENT_HEADERS, encodeEvent, normalize, partitionKey, type EventV1 } from '@kube-herald/events';
import type { Logger } from '@kube-herald/logging';
import type { CollectorConfig } from './config.js';
import type { Enricher, Enrichment } from './enricher.js';
import type { EventSource, SourceEvent } from './event-source.js';
import { CHECKPOINT_HEADER } from './checkpoint.js';
import { createSeenSet, type SeenSet } from './lru.js';
import type { SourceEventType } from './event-source.js';
import type { CollectorMetrics, SkipReason } from './metrics.js';
import { createPublishQueue, type EventPublisher, type OutboundRecord } from './publish-queue.js';

/** Options of {@link createCollector}. */
export interface CollectorOptions {
  readonly config: CollectorConfig;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  readonly source: EventSource;
  readonly publisher: EventPublisher;
  readonly enricher?: Enricher | undefined;
  /** This replica's name (pod name) and the collector version, stamped on every event. */
  readonly instance: string;
  readonly version: string;
  readonly now?: () => number;
  readonly publishRetryBaseMs?: number;
  /** The occurrenceIds published so far (default: an empty set of `seenSize`). */
  readonly seen?: SeenSet;
  /** Stamp records with the acknowledged source positions (checkpoint.ts). */
  readonly checkpoints?: boolean;
  /** False while publishing is not allowed (leadership in doubt): nothing is sent until it is again. */
  readonly mayPublish?: () => boolean;
}

/** How to stop: flush what is buffered (SIGTERM) or drop it because another replica now leads. */
export interface CollectorCloseOptions {
  readonly flushTimeoutMs?: number;
  readonly discard?: boolean;
}

/** The pipeline source → normalize → filter → enrich → buffer → Kafka, for one leadership term. */
export interface Collector {
  start(): Promise<void>;
  /** True when watching and Kafka is reachable; otherwise why not. */
  ready(): true | string;
  readonly buffered: number;
  /** Per scope, the last source position whose earlier events Kafka acknowledged (with `checkpoints`). */
  safePositions(): Readonly<Record<string, string>>;
  close(options?: CollectorCloseOptions): Promise<void>;
}

function withEnrichment(event: EventV1, e: Enrichment | undefined): EventV1 {
  if (!e) return event;
  const out: EventV1 = { ...event };
  if (e.owners.length) out.owners = [...e.owners];
  if (Object.keys(e.labels).length) out.labels = { ...e.labels };
  return out;
}

function toRecord(event: EventV1): OutboundRecord {
  return { key: partitionKey(event), value: encodeEvent(event), headers: EVENT_HEADERS };
}

/** Creates a {@link Collector}. */
export function createCollector(o: CollectorOptions): Collector {
  const log = o.log.child({ component: 'collector' });
  const { cluster, collector: cc, kafka, kubernetes } = o.config;
  const now = o.now ?? Date.now;
  const m = o.metrics;
  const ctxBase = {
    cluster: { id: cluster.id, name: cluster.name ?? cluster.id },
    collector: { instance: o.instance, version: o.version },
  };
  const seen = o.seen ?? createSeenSet(cc.seenSize);
  const budgetMs = cc.enrichment.budget;
  const queue = createPublishQueue({
    publisher: o.publisher,
    topic: kafka.topic,
    capacity: cc.bufferSize,
    capacityBytes: cc.bufferBytes,
    log,
    metrics: m,
    now,
    retryBaseMs: o.publishRetryBaseMs,
    lingerMs: cc.publishLinger,
    ...(o.checkpoints ? { checkpointHeader: CHECKPOINT_HEADER } : {}),
    ...(o.mayPublish ? { mayPublish: o.mayPublish } : {}),
    onFull: () => {
      log.warn({ buffered: queue.size, bytes: queue.bytes }, 'buffer full: pausing the watch (backpressure)');
      o.source.pause();
    },
    onDrain: () => {
      log.info('buffer drained: resuming the watch');
      o.source.resume();
    },
  });
  // Labelled children resolved once: the hot path must not hash label sets per event.
  const watched = new Map<SourceEventType, { inc(): void }>();
  const watchedAs = (type: SourceEventType): { inc(): void } => {
    let c = watched.get(type);
    if (!c) watched.set(type, (c = m.eventsWatched.labels({ api: kubernetes.api, type })));
    return c;
  };
  const skipped = new Map<SkipReason, { inc(): void }>();
  const skip = (reason: SkipReason): void => {
    let c = skipped.get(reason);
    if (!c) skipped.set(reason, (c = m.eventsSkipped.labels({ reason })));
    c.inc();
  };
  // Warning codes are libs/events' fixed set (a few dozen); the map is capped all the same.
  const warned = new Map<string, { inc(): void }>();
  const warn = (code: string): void => {
    let c = warned.get(code);
    if (!c) {
      c = m.normalizeWarnings.labels({ code });
      if (warned.size < 256) warned.set(code, c);
    }
    c.inc();
  };
  const lookupsDirect = m.enrichmentLookups.labels({ result: o.enricher ? 'hit' : 'disabled' });
  const lookupsFetched = m.enrichmentLookups.labels({ result: 'fetched' });
  const lookupsWithout = m.enrichmentLookups.labels({ result: 'without' });

  const enqueue = (event: EventV1, observedAt: number): void => {
    const enricher = o.enricher;
    const hit = enricher?.cached(event.involvedObject);
    if (!enricher || hit) {
      queue.push(observedAt, toRecord(withEnrichment(event, hit)));
      lookupsDirect.inc();
      return;
    }
    const slot = queue.push(observedAt);
    void enricher.resolve(event.involvedObject, budgetMs).then((e) => {
      (e ? lookupsFetched : lookupsWithout).inc();
      queue.fill(slot, toRecord(withEnrichment(event, e)));
    });
  };

  const handle = (ev: SourceEvent): void => {
    watchedAs(ev.type).inc();
    if (ev.type === 'DELETED') return skip('deleted');
    const res = normalize(ev.object, { ...ctxBase, observedAt: new Date(ev.observedAt) });
    if (!res.ok) {
      m.normalizeFailures.inc({ reason: res.reason });
      log.warn({ reason: res.reason, detail: res.detail }, 'event object rejected by normalize');
      return;
    }
    for (const w of res.warnings) warn(w.split(':')[0] ?? w);
    const event = res.event;
    if (Date.parse(event.lastSeen) < now() - cc.maxEventAge) return skip('old');
    if (seen.has(event.occurrenceId)) return skip(ev.type === 'MODIFIED' ? 'unchanged' : 'duplicate');
    seen.add(event.occurrenceId);
    enqueue(event, ev.observedAt);
  };

  let closing: Promise<void> | undefined;
  async function doClose(opts: CollectorCloseOptions): Promise<void> {
    await o.source.close();
    if (opts.discard) queue.discard('leadership_lost');
    else {
      const left = await queue.flush(opts.flushTimeoutMs ?? 10_000);
      if (left > 0) {
        log.error({ left }, 'shutdown deadline reached with events still buffered');
        queue.discard('shutdown');
      } else log.info('buffer flushed');
    }
    await queue.close();
  }

  return {
    async start() {
      queue.start();
      await o.source.start((ev) => {
        if (ev.type === 'PROGRESS') return queue.mark(ev.position);
        try {
          handle(ev);
        } catch (err) {
          // normalize promises never to throw; if anything does, one bad object must not stop the watch
          m.normalizeFailures.inc({ reason: 'exception' });
          log.warn({ err }, 'unexpected error while handling an event');
        }
        if (ev.position) queue.mark(ev.position);
      });
    },
    ready() {
      if (!o.source.synced()) return 'not watching yet';
      if (!queue.kafkaHealthy()) return 'Kafka unreachable';
      return true;
    },
    get buffered() {
      return queue.size;
    },
    safePositions: () => queue.safePositions(),
    close(opts = {}) {
      return (closing ??= doClose(opts));
    },
  };
}
