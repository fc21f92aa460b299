import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeStandin } from '@kube-herald/kube-standin';
import {
  CHECKPOINT_ANNOTATION,
  CHECKPOINT_HEADER,
  createMemoryEventSource,
  decodePositions,
  type CheckpointStore,
} from '../src/index.js';
import {
  countById,
  metricValue,
  recordingPublisher,
  startStandin,
  waitFor,
  type RecordingPublisher,
} from './helpers.js';
import { electionConfig, expectedIds, pod, testService } from './standin-rig.js';

/** The checkpoint as kafka-checkpoint.ts reads it back, from what the recording publisher "published". */
function memoryCheckpoints(p: RecordingPublisher): CheckpointStore {
  return {
    load() {
      let positions: Record<string, string> | undefined;
      for (const r of p.records) positions = decodePositions(r.headers[CHECKPOINT_HEADER]) ?? positions;
      const occurrenceIds = p.events().map((e) => e.occurrenceId);
      return Promise.resolve(p.records.length ? { positions: positions ?? {}, occurrenceIds } : undefined);
    },
  };
}

function coreEvent(i: number) {
  const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `e${i}`, namespace: 'shop', uid: `uid-e${i}`, resourceVersion: String(i) },
    involvedObject: { kind: 'Pod', name: `p${i}`, namespace: 'shop', uid: `pod-${i}` },
    reason: 'BackOff',
    type: 'Warning',
    count: 1,
    firstTimestamp: t,
    lastTimestamp: t,
  };
}

/** The checkpoint annotation on the collector's Lease. */
const leaseCheckpoint = (standin: KubeStandin): string | undefined =>
  standin.getObject('leases', 'kh', 'kube-herald-collector')?.metadata.annotations?.[CHECKPOINT_ANNOTATION];

/** Another replica takes the Lease (and then disappears without renewing it). */
function seizeLease(standin: KubeStandin): void {
  const lease = standin.getObject('leases', 'kh', 'kube-herald-collector');
  assert.ok(lease);
  standin.putObject('leases', {
    ...lease,
    spec: { ...(lease.spec as Record<string, unknown>), holderIdentity: 'intruder' },
  });
}

describe('leadership in doubt', () => {
  it('publishes nothing once a renewal fails, and gives up within renewDeadline however slow the API', async () => {
    const { standin, client } = await startStandin();
    const publisher = recordingPublisher();
    const calls: number[] = [];
    const publish = publisher.publish.bind(publisher);
    publisher.publish = (topic, records) => {
      calls.push(Date.now());
      return publish(topic, records);
    };
    const source = createMemoryEventSource();
    const { service, metrics } = testService({
      config: electionConfig({ leaseDuration: '3s', renewDeadline: '2s', retryPeriod: '300ms' }),
      client,
      publisher,
      createSource: () => source,
    });
    let i = 0;
    const producer = setInterval(() => source.emit('ADDED', coreEvent(i++)), 20);
    try {
      await service.start();
      await waitFor('leading and publishing', () => service.isLeader() && publisher.records.length > 10);
      const cut = Date.now();
      standin.delay(15_000); // the API answers nothing for longer than the lease
      await waitFor('stopped leading', () => !service.isLeader(), 5000);
      const gaveUp = Date.now() - cut;
      assert.ok(gaveUp < 2000 + 600, `stopped leading ${gaveUp} ms after the API went silent`);
      const last = Math.max(...calls) - cut;
      // In doubt from the first failed renewal: at most three retry periods, never past renewDeadline.
      assert.ok(last < 3 * 300 + 100, `last publish ${last} ms after the API went silent`);
      assert.ok((await metricValue(metrics.leaseErrors)) >= 1);
    } finally {
      clearInterval(producer);
      standin.delay(0);
      await service.close();
      await standin.close();
    }
  });

  it('a lease lost inside one process: the next term resumes from the checkpoint, not a re-publish', async () => {
    const { standin, client } = await startStandin();
    const publisher = recordingPublisher();
    const { service, metrics } = testService({
      config: electionConfig({ leaseDuration: '2s', renewDeadline: '1500ms', retryPeriod: '200ms' }),
      client,
      publisher,
      checkpoints: memoryCheckpoints(publisher),
    });
    try {
      for (let i = 0; i < 300; i++) standin.createEvent(pod(`before${i}`));
      await service.start();
      await waitFor('300 published', () => publisher.records.length === 300);
      // Within a retry period the renewal carries the acknowledged position into the Lease: a quiet term
      // (nothing more published) has no later record to carry it into Kafka.
      await waitFor('checkpoint on the Lease', () => leaseCheckpoint(standin) !== undefined, 3000);
      seizeLease(standin);
      await waitFor('lost', () => !service.isLeader(), 5000);
      for (let i = 0; i < 50; i++) standin.createEvent(pod(`between${i}`));
      await waitFor('leading again', () => service.isLeader(), 10_000);
      const ids = expectedIds(standin, 'test-1');
      await waitFor('all published', () => countById(publisher.events()).size === ids.length);
      await sleep(300);
      const duplicates = publisher.records.length - ids.length;
      assert.ok(duplicates <= 3, `${duplicates} re-published after a lease lost in-process (of 300)`);
      assert.equal(await metricValue(metrics.relists), 1, 'the second term watched from the checkpoint');
    } finally {
      await service.close();
      await standin.close();
    }
  });

  it('a quiet term: heartbeats move the checkpoint on the Lease, so the next term resumes past a compaction', async () => {
    const { standin, client } = await startStandin();
    const publisher = recordingPublisher();
    const config = electionConfig(
      { leaseDuration: '2s', renewDeadline: '1500ms', retryPeriod: '200ms' },
      { kubernetes: { stallTimeout: '2s', heartbeatInterval: '300ms', watchTimeoutSeconds: 60 } },
    );
    const { service, metrics } = testService({
      config,
      client,
      publisher,
      checkpoints: memoryCheckpoints(publisher),
    });
    const annotated = () => leaseCheckpoint(standin);
    const rvOf = (v: string | undefined) => v?.split('|')[1];
    try {
      standin.createEvent(pod('only'));
      await service.start();
      await waitFor('published', () => publisher.records.length === 1);
      await waitFor('checkpoint on the Lease', () => annotated() !== undefined, 3000);
      const first = rvOf(annotated());
      // Quiet: nothing but the collector's own heartbeats; the server's history moves on and is compacted.
      await waitFor('checkpoint moved by heartbeats', () => rvOf(annotated()) !== first, 5000);
      // Compacted as etcd is: a short window of the most recent history stays (lease renewals fill it fast).
      standin.compact(40);
      seizeLease(standin);
      await waitFor('lost', () => !service.isLeader(), 5000);
      await waitFor('leading again', () => service.isLeader(), 10_000);
      standin.createEvent(pod('after'));
      await waitFor('2 published', () => publisher.records.length === 2);
      assert.equal(await metricValue(metrics.relists), 1, 'resumed past the compaction: no 410, no LIST');
    } finally {
      await service.close();
      await standin.close();
    }
  });
});
