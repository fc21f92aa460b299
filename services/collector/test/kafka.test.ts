import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { occurrenceId } from '@kube-herald/events';
import type { KubeStandin } from '@kube-herald/kube-standin';
import { kafkaBrokers, servicesScript } from '@kube-herald/testing';
import { startChildCollector } from './child-collector.js';
import type { CollectorConfig, KubeClient } from '../src/index.js';
import { freshTopic, kafkaPublisher, readTopic, restartKafka } from './kafka-helpers.js';
import { countById, metricValue, startStandin, testConfig, waitFor } from './helpers.js';
import { staleEvent, testService } from './standin-rig.js';

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

/** An event last seen 3 h ago, older than maxEventAge (count 9). */
function oldEvent(standin: KubeStandin, name: string) {
  standin.createEvent({ ...staleEvent(name), count: 9 });
}

function service(config: CollectorConfig, client: KubeClient, publisher = kafkaPublisher()) {
  const { service: s, metrics } = testService({ config, client, publisher, identity: 'c', retryBaseMs: 100 });
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
  // The published-set lives in memory: a new process relists and publishes again what is younger than
  // maxEventAge (same occurrenceIds, deduplicated downstream). Bounded: old events never, new ones once.
  it('a restart mid-stream loses no occurrence, republishes nothing older than maxEventAge, new ones once', async () => {
    const topic = await freshTopic();
    const reader = await readTopic(topic);
    const { standin, client } = await startStandin();
    const config = testConfig({ kafka: { brokers: kafkaBrokers(), topic } });
    try {
      oldEvent(standin, 'stale-a');
      for (let i = 0; i < 10; i++) event(standin, `a${i}`);
      const first = service(config, client);
      await first.s.start();
      await allIn(reader.events, expectedIds(standin));
      event(standin, 'a-last');
      await sleep(200);
      await first.s.close();
      await first.publisher.close();
      const beforeRestart = new Set(expectedIds(standin));
      for (let i = 0; i < 5; i++) event(standin, `b${i}`); // while no collector runs
      standin.bumpEvent(standin.eventsCreated()[1]?.metadata.uid as string);
      oldEvent(standin, 'stale-b');
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
      for (const [id, n] of countById(reader.events)) {
        if (beforeRestart.has(id))
          assert.ok(n <= 2, `an occurrence from before the restart published ${n} times`);
        else assert.equal(n, 1, 'an occurrence after the restart is published once');
      }
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

  // Last on purpose: it stops the shared broker for about 30 s (scripts/services.sh has no private one).
  it('Kafka down for 30 s then started loses nothing: buffer, backpressure, resume', async () => {
    const topic = await freshTopic();
    const reader = await readTopic(topic);
    const { standin, client } = await startStandin();
    const config = testConfig({
      kafka: { brokers: kafkaBrokers(), topic },
      collector: { bufferSize: 50, enrichment: { enabled: false } },
    });
    const c = service(config, client);
    let producer: NodeJS.Timeout | undefined;
    let killed = false;
    try {
      await c.s.start();
      event(standin, 'before');
      await allIn(reader.events, expectedIds(standin));
      await servicesScript('kafka-kill');
      killed = true;
      const down = Date.now();
      let n = 0;
      producer = setInterval(() => event(standin, `during${n++}`), 50);
      await waitFor('not ready while Kafka is down', () => c.s.ready() !== true, 30_000);
      const backpressure = () => metricValue(c.metrics.watchRestarts, { reason: 'backpressure' });
      await waitFor('backpressure', async () => (await backpressure()) >= 1, 30_000);
      await sleep(Math.max(0, 30_000 - (Date.now() - down)));
      await restartKafka(); // starts the killed broker again on its port
      killed = false;
      clearInterval(producer);
      for (let i = 0; i < 5; i++) event(standin, `after${i}`);
      assert.ok(n >= 300, `${n} events created during the outage`);
      await allIn(reader.events, expectedIds(standin), 180_000);
      await waitFor('ready again', () => c.s.ready() === true, 60_000);
      assert.equal(await metricValue(c.metrics.dropped), 0);
      assert.ok((await metricValue(c.metrics.publishFailures)) >= 1);
    } finally {
      clearInterval(producer);
      if (killed) await restartKafka(); // never leave colleagues without a broker
      await c.s.close();
      await c.publisher.close();
      await reader.close();
      await standin.close();
    }
  });
});
