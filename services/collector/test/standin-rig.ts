import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { occurrenceId } from '@kube-herald/events';
import type { KubeStandin } from '@kube-herald/kube-standin';
import type { Logger } from '@kube-herald/logging';
import {
  configuredEventSource,
  createCollector,
  createCollectorService,
  type Collector,
  type CollectorConfig,
  type CollectorMetrics,
  type CollectorService,
  type CollectorServiceOptions,
} from '../src/index.js';
import {
  countById,
  newMetrics,
  quietLog,
  recordingPublisher,
  startStandin,
  testConfig,
  waitFor,
  type RecordingPublisher,
} from './helpers.js';

/** A collector reading the stand-in through the real list+watch source, publishing to memory. */
export interface Rig {
  standin: KubeStandin;
  publisher: RecordingPublisher;
  collector: Collector;
  metrics: CollectorMetrics;
  config: CollectorConfig;
  close(): Promise<void>;
}

export async function rig(
  doc: Record<string, unknown> = {},
  standinOptions = {},
  log: Logger = quietLog,
): Promise<Rig> {
  const { standin, client } = await startStandin(standinOptions);
  const config = testConfig(doc);
  const { metrics } = newMetrics();
  const publisher = recordingPublisher();
  const source = configuredEventSource({ config, client, log, metrics, retryBaseMs: 50 });
  const collector = createCollector({
    config,
    log,
    metrics,
    source,
    publisher,
    instance: 'test',
    version: '0.0.0',
    publishRetryBaseMs: 50,
  });
  return {
    standin,
    publisher,
    collector,
    metrics,
    config,
    async close() {
      await collector.close({ flushTimeoutMs: 2000 });
      await standin.close();
    },
  };
}

/** A collector service with the tests' defaults: quiet log, its own metrics, identity `a`, 50 ms retries. */
export function testService(
  o: Pick<CollectorServiceOptions, 'config' | 'client' | 'publisher'> &
    Partial<Omit<CollectorServiceOptions, 'metrics'>>,
): { service: CollectorService; metrics: CollectorMetrics } {
  const { metrics } = newMetrics();
  const service = createCollectorService({
    log: quietLog,
    metrics,
    identity: 'a',
    version: '0',
    retryBaseMs: 50,
    ...o,
  });
  return { service, metrics };
}

/** testConfig (with `doc`) electing a leader on a Lease in namespace `kh` with these timings. */
export function electionConfig(lease: Record<string, unknown>, doc: Record<string, unknown> = {}) {
  return testConfig({ ...doc, leaderElection: { enabled: true, namespace: 'kh', ...lease } });
}

/** The occurrenceIds the stand-in produced (one per creation and per bump). */
export function expectedIds(standin: KubeStandin, clusterId: string): string[] {
  return standin.occurrences().map((o) => occurrenceId({ clusterId, eventUid: o.uid, count: o.count }));
}

export function pod(name: string, reason = 'BackOff') {
  return {
    involvedObject: { kind: 'Pod', name, namespace: 'shop', uid: `uid-${name}` },
    reason,
    type: 'Warning',
  };
}

/** Exactly these occurrenceIds were published, each once. */
export async function publishedExactly(r: Rig, ids: readonly string[]): Promise<void> {
  await waitFor(`${ids.length} occurrences published`, () => r.publisher.records.length >= ids.length);
  await sleep(150); // anything extra would arrive now
  const counts = countById(r.publisher.events());
  assert.deepEqual([...counts.keys()].sort(), [...ids].sort());
  for (const [id, n] of counts) assert.equal(n, 1, `occurrence ${id} published ${n} times`);
}

/** A core/v1 event last seen 3 h ago (older than the default maxEventAge), named `<name>.1`. */
export function staleEvent(name: string) {
  const old = new Date(Date.now() - 3 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.1`, namespace: 'shop', uid: `ev-${name}` },
    involvedObject: { kind: 'Pod', name, namespace: 'shop', uid: `uid-${name}` },
    reason: 'BackOff',
    type: 'Warning',
    count: 3,
    firstTimestamp: old,
    lastTimestamp: old,
  };
}
