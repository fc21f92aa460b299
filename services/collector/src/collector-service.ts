import type { Logger } from '@kube-herald/logging';
import { createCollector, type Collector } from './collector.js';
import type { CollectorConfig } from './config.js';
import { createEnricher, type Enricher } from './enricher.js';
import type { EventSource } from './event-source.js';
import type { KubeClient } from './kube-client.js';
import { createKubeEventSource } from './kube-event-source.js';
import { createLeaseElector, type LeaseElector } from './lease-elector.js';
import { createOwnerCaches } from './owner-cache.js';
import {
  decodeStamped,
  encodeStamped,
  loadCheckpoint,
  type Checkpoint,
  type CheckpointStore,
} from './checkpoint.js';
import { createSeenSet } from './lru.js';
import type { CollectorMetrics } from './metrics.js';
import type { EventPublisher } from './publish-queue.js';

/** Options of {@link createCollectorService}. */
export interface CollectorServiceOptions {
  readonly config: CollectorConfig;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  readonly client: KubeClient;
  readonly publisher: EventPublisher;
  /** Replica identity: Lease holder and `collector.instance` on events. */
  readonly identity: string;
  readonly version: string;
  /** Replaces the Kubernetes list+watch (tests); gets the checkpoint's positions. */
  readonly createSource?: (resumeFrom: Readonly<Record<string, string>> | undefined) => EventSource;
  /** Where each leadership term resumes from (kafka-checkpoint.ts); none: every term lists. */
  readonly checkpoints?: CheckpointStore;
  /** Longest wait for the checkpoint at the start of a term (default 20 s). */
  readonly checkpointTimeoutMs?: number;
  readonly retryBaseMs?: number;
  /** Deadline for flushing the buffer on shutdown. */
  readonly flushTimeoutMs?: number;
}

/** The collector with its Lease: only the leader runs the pipeline. */
export interface CollectorService {
  start(): Promise<void>;
  isLeader(): boolean;
  /** Ready when leading, watching and Kafka is reachable — or when standing by. */
  ready(): true | string;
  close(): Promise<void>;
}

/** The newer of the positions read from Kafka and from the Lease annotation (both are safe resume points). */
function newestPositions(
  fromKafka: Checkpoint | undefined,
  annotation: string | undefined,
): Readonly<Record<string, string>> | undefined {
  const fromLease = decodeStamped(annotation);
  const kafka = fromKafka && Object.keys(fromKafka.positions).length > 0 ? fromKafka : undefined;
  if (fromLease && (!kafka || fromLease.at > (kafka.at ?? 0))) return fromLease.positions;
  return kafka?.positions;
}

/** Longest wait at the start of a term for the owner caches' first LIST (then events wait or GET). */
const CACHE_SYNC_WAIT_MS = 10_000;

/** The Kubernetes list+watch source `config` describes (what a term runs unless `createSource` replaces it). */
export function configuredEventSource(
  o: Pick<CollectorServiceOptions, 'config' | 'log' | 'metrics' | 'client' | 'retryBaseMs'>,
  resumeFrom?: Readonly<Record<string, string>>,
): EventSource {
  const k = o.config.kubernetes;
  return createKubeEventSource({
    ...(resumeFrom ? { resumeFrom } : {}),
    client: o.client,
    api: k.api,
    namespaces: k.namespaces,
    pageSize: k.pageSize,
    watchTimeoutSeconds: k.watchTimeoutSeconds,
    stallTimeoutMs: k.stallTimeout,
    heartbeatIntervalMs: k.heartbeatInterval,
    heartbeatNamespace: o.config.leaderElection.namespace,
    retryBaseMs: o.retryBaseMs,
    log: o.log,
    metrics: o.metrics,
  });
}

/** Creates a {@link CollectorService}. */
export function createCollectorService(o: CollectorServiceOptions): CollectorService {
  const { config, log, metrics } = o;
  const k = config.kubernetes;
  const e = config.collector.enrichment;
  const le = config.leaderElection;
  const caches =
    e.enabled && e.watchOwners
      ? createOwnerCaches({
          client: o.client,
          namespaces: k.namespaces,
          labelKeys: e.labelKeys,
          maxObjects: e.maxWatchedObjects,
          log,
          metrics,
        })
      : undefined;
  const enricher: Enricher | undefined = e.enabled
    ? createEnricher({ ...e, ttlMs: e.ttl, client: o.client, log, metrics, ...(caches ? { caches } : {}) })
    : undefined;
  const makeSource =
    o.createSource ??
    ((resumeFrom: Readonly<Record<string, string>> | undefined) => configuredEventSource(o, resumeFrom));
  let current: Collector | undefined;
  let elector: LeaseElector | undefined;
  let closing: Promise<void> | undefined;

  let starting: Promise<void> | undefined;
  // With every renewal the Lease carries the acknowledged positions too: a quiet term publishes no record
  // that could carry its last position into Kafka.
  const leaseCheckpoint = (): string | undefined => {
    const positions = current?.safePositions();
    return positions && Object.keys(positions).length > 0 ? encodeStamped(Date.now(), positions) : undefined;
  };
  const startTerm = async (): Promise<void> => {
    const ckpt = await loadCheckpoint(o.checkpoints, o.checkpointTimeoutMs ?? 20_000, log);
    // A set per term, seeded with what Kafka holds: what an earlier term buffered but dropped when its
    // lease was lost was never published, and must not count as published now.
    const seen = createSeenSet(config.collector.seenSize);
    for (const id of ckpt?.occurrenceIds ?? []) seen.add(id);
    const positions = newestPositions(ckpt, elector?.observedCheckpoint());
    await caches?.synced(CACHE_SYNC_WAIT_MS); // a standby's are synced already
    if (closing || (elector && !elector.isLeader())) return; // lost or stopping while reading it
    current = createCollector({
      config,
      log,
      metrics,
      enricher,
      seen,
      checkpoints: o.checkpoints !== undefined,
      ...(elector ? { mayPublish: () => elector?.mayPublish() ?? false } : {}),
      source: makeSource(positions),
      publisher: o.publisher,
      instance: o.identity,
      version: o.version,
      publishRetryBaseMs: o.retryBaseMs,
    });
    await current.start();
  };
  // The checkpoint read takes seconds: the elector must go on renewing meanwhile, so a term starts aside.
  const lead = (): Promise<void> => {
    starting = startTerm().catch((err: unknown) => log.error({ err }, 'leadership term failed to start'));
    return elector ? Promise.resolve() : starting;
  };
  const stopLeading = async (why: 'lost' | 'shutdown'): Promise<void> => {
    await starting;
    const c = current;
    current = undefined;
    await c?.close({ discard: why === 'lost', flushTimeoutMs: o.flushTimeoutMs });
  };

  return {
    async start() {
      caches?.start(); // standbys too: a new leader enriches from warm caches at once
      if (!le.enabled) {
        metrics.leader.set(1); // without election this replica always leads
        return lead();
      }
      elector = createLeaseElector({
        client: o.client,
        namespace: le.namespace,
        name: le.leaseName,
        identity: o.identity,
        leaseDurationMs: le.leaseDuration,
        renewDeadlineMs: le.renewDeadline,
        retryPeriodMs: le.retryPeriod,
        log,
        metrics,
        onStartedLeading: lead,
        onStoppedLeading: stopLeading,
        ...(o.checkpoints ? { checkpoint: leaseCheckpoint } : {}),
      });
      elector.start();
    },
    isLeader: () => (elector ? elector.isLeader() : current !== undefined),
    ready() {
      if (elector && !elector.isLeader()) return true;
      return current ? current.ready() : 'not started';
    },
    close() {
      closing ??= (
        elector ? elector.close() : stopLeading('shutdown').finally(() => metrics.leader.set(0))
      ).finally(() => caches?.close());
      return closing;
    },
  };
}
