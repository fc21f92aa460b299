import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { occurrenceId } from '@kube-herald/events';
import type { KubeStandin } from '@kube-herald/kube-standin';
import { kafkaBrokers } from '@kube-herald/testing';
import { startChildCollector } from './child-collector.js';
import { createCollectorService, type CollectorConfig, type KubeClient } from '../src/index.js';
import { freshTopic, kafkaPublisher, readTopic } from './kafka-helpers.js';
import {
  countById,
  metricValue,
  newMetrics,
  quietLog,
  startStandin,
  testConfig,
  waitFor,
} from './helpers.js';

const ROOT = join(import.meta.dirname, '../../..');

function expectedIds(standin: KubeStandin): string[] {
  return standin
    .occurrences()
    .filter((o) => !o.name.startsWith('stale'))
    .map((o) => occurrenceId({ clusterId: 'test-1', eventUid: o.uid, count: o.count }));
}

function event(standin: KubeStandin, name: string) {
  return standin.createEvent({
    involvedObject: { kind: 'Pod', name, namespace: 'shop' },
    reason: 'BackOff',
    type: 'Warning',
  });
}

function staleEvent(standin: KubeStandin, name: string) {
  const old = new Date(Date.now() - 3 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  standin.createEvent({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.1`, namespace: 'shop', uid: `uid-${name}` },
    involvedObject: { kind: 'Pod', name, namespace: 'shop', uid: `pod-${name}` },
    reason: 'BackOff',
    type: 'Warning',
    count: 9,
    firstTimestamp: old,
    lastTimestamp: old,
  });
}

function service(config: CollectorConfig, client: KubeClient, publisher = kafkaPublisher()) {
  const { metrics } = newMetrics();
  const s = createCollectorService({
    config,
    log: quietLog,
    metrics,
    client,
    publisher,
    identity: 'c',
    version: '0',
    retryBaseMs: 100,
  });
  return { s, metrics, publisher };
}

async function allIn(
  events: { occurrenceId: string }[],
  ids: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    `${ids.length} occurrences in Kafka`,
    () => {
      const got = countById(events as never);
      return ids.every((id) => got.has(id));
    },
    timeoutMs,
  );
}

describe('collector → real Kafka', () => {
  it('a restart mid-stream loses no occurrence and never republishes events older than maxEventAge', async () => {
    const topic = await freshTopic();
    const reader = await readTopic(topic);
    const { standin, client } = await startStandin();
    const config = testConfig({ kafka: { brokers: kafkaBrokers(), topic } });
    try {
      staleEvent(standin, 'stale-a');
      for (let i = 0; i < 10; i++) event(standin, `a${i}`);
      const first = service(config, client);
      await first.s.start();
      await allIn(reader.events, expectedIds(standin));
      event(standin, 'a-last');
      await sleep(200);
      await first.s.close();
      await first.publisher.close();
      for (let i = 0; i < 5; i++) event(standin, `b${i}`); // while no collector runs
      standin.bumpEvent(standin.eventsCreated()[1]?.metadata.uid as string);
      staleEvent(standin, 'stale-b');
      const second = service(config, client);
      await second.s.start();
      event(standin, 'c0');
      await allIn(reader.events, expectedIds(standin));
      await sleep(300);
      assert.equal(reader.events.filter((e) => e.involvedObject.name.startsWith('stale')).length, 0);
      const expected = new Set(expectedIds(standin));
      assert.ok(
        reader.events.every((e) => expected.has(e.occurrenceId)),
        'only real occurrences',
      );
      assert.equal(await metricValue(second.metrics.eventsSkipped, { reason: 'old' }), 2);
      await second.s.close();
      await second.publisher.close();
    } finally {
      await reader.close();
      await standin.close();
    }
  });

  it('SIGTERM stops watching, flushes the buffer to Kafka and exits 0', async () => {
    const topic = await freshTopic();
    const reader = await readTopic(topic);
    const { standin, kubeconfig } = await startStandin();
    const child = await startChildCollector('sigterm', [
      `cluster: { id: test-1 }`,
      `kubernetes: { kubeconfig: ${JSON.stringify(kubeconfig)} }`,
      `kafka: { brokers: ${JSON.stringify(kafkaBrokers())}, topic: ${topic} }`,
      `collector: { enrichment: { enabled: false } }`,
      `log: { level: info }`,
    ]);
    const watched = () => child.metric('kube_herald_collector_events_watched_total');
    try {
      event(standin, 'first');
      await allIn(reader.events, expectedIds(standin));
      const burst = 2000;
      for (let i = 0; i < burst; i++) event(standin, `burst${i}`);
      // What the stand-in has written may still sit in socket buffers: signal once the collector itself
      // has read part of the burst, and remember how much it had read.
      await waitFor(
        'the collector reading the burst',
        async () => (await watched()) >= 1 + burst / 4,
        60_000,
      );
      const readBefore = await watched();
      child.signal('SIGTERM');
      assert.equal(await child.exited, 0, child.stderr());
      assert.ok(
        child.logs.some((l) => l.msg === 'buffer flushed'),
        'flushed, not cut by the deadline',
      );
      // Kafka holds every occurrence the collector read: a gap-free prefix of the watch stream.
      const published = () => reader.events.filter((e) => e.involvedObject.name.startsWith('burst'));
      await waitFor('the flushed burst in Kafka', () => published().length >= readBefore - 1, 45_000);
      await sleep(500); // a duplicate or a late record would arrive now
      const indices = published()
        .map((e) => Number(e.involvedObject.name.slice('burst'.length)))
        .sort((a, b) => a - b);
      assert.deepEqual(
        indices,
        indices.map((_, i) => i),
        'a gap-free prefix, each once',
      );
    } finally {
      child.signal('SIGKILL');
      await reader.close();
      await standin.close();
    }
  });

  it('a Kafka restart loses nothing: buffer, backpressure, resume (shared broker, kept short)', async () => {
    const topic = await freshTopic();
    const reader = await readTopic(topic);
    const { standin, client } = await startStandin();
    const config = testConfig({
      kafka: { brokers: kafkaBrokers(), topic },
      collector: { bufferSize: 20, enrichment: { enabled: false } },
    });
    const c = service(config, client);
    try {
      await c.s.start();
      event(standin, 'before');
      await allIn(reader.events, expectedIds(standin));
      const restart = spawn('bash', ['scripts/services.sh', 'kafka-restart'], { cwd: ROOT, stdio: 'ignore' });
      const restarted = new Promise<number | null>((resolve) => restart.on('exit', (code) => resolve(code)));
      let n = 0;
      const producer = setInterval(() => event(standin, `during${n++}`), 20);
      assert.equal(await restarted, 0);
      clearInterval(producer);
      for (let i = 0; i < 5; i++) event(standin, `after${i}`);
      await allIn(reader.events, expectedIds(standin), 90_000);
      assert.equal(await metricValue(c.metrics.dropped), 0);
    } finally {
      await c.s.close();
      await c.publisher.close();
      await reader.close();
      await standin.close();
    }
  });
});
