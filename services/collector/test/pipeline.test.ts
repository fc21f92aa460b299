import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCollector, createMemoryEventSource, type EventPublisher } from '../src/index.js';
import { metricValue, newMetrics, quietLog, recordingPublisher, testConfig, waitFor } from './helpers.js';

let seq = 0;
function coreEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq += 1;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `pod-${seq}.17f`,
      namespace: 'shop',
      uid: `ev-${seq}`,
      resourceVersion: String(1000 + seq),
    },
    involvedObject: {
      kind: 'Pod',
      name: `pod-${seq}`,
      namespace: 'shop',
      uid: `pod-uid-${seq}`,
      apiVersion: 'v1',
    },
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    type: 'Warning',
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: 'kubelet', host: 'node-1' },
    ...overrides,
  };
}

function rig(publisher: EventPublisher, bufferSize = 100) {
  const { metrics } = newMetrics();
  const source = createMemoryEventSource();
  const collector = createCollector({
    config: testConfig({ collector: { bufferSize, enrichment: { enabled: false } } }),
    log: quietLog,
    metrics,
    source,
    publisher,
    instance: 'test',
    version: '0.0.0',
    publishRetryBaseMs: 20,
  });
  return { metrics, source, collector };
}

describe('collector pipeline (in-memory source)', () => {
  it('applies backpressure when Kafka is down: pauses the source, drops nothing, resumes in order', async () => {
    const publisher = recordingPublisher();
    publisher.failing = true;
    const { metrics, source, collector } = rig(publisher, 5);
    await collector.start();
    const sent = Array.from({ length: 20 }, () => coreEvent());
    for (const e of sent) source.emit('ADDED', e);
    await waitFor('a failed publish', async () => (await metricValue(metrics.publishFailures)) >= 1);
    assert.equal(source.paused, true);
    assert.equal(collector.buffered, 5);
    assert.equal(source.pending, 15, 'the rest stays unread at the source');
    assert.notEqual(collector.ready(), true, 'not ready while Kafka is unreachable');
    publisher.failing = false;
    await waitFor('all published', () => publisher.records.length === 20);
    assert.deepEqual(
      publisher.events().map((e) => e.event.uid),
      sent.map((e) => (e.metadata as { uid: string }).uid),
    );
    assert.equal(source.paused, false);
    assert.equal(await metricValue(metrics.dropped), 0);
    assert.equal(await metricValue(metrics.buffered), 0);
    await collector.close();
  });

  it('keeps several batches in flight; a failed one is resent from the oldest unacknowledged: nothing lost', async () => {
    let calls = 0;
    let open = 0;
    let maxOpen = 0;
    const delivered: string[] = [];
    const flaky: EventPublisher = {
      async publish(_t, records) {
        const call = ++calls;
        maxOpen = Math.max(maxOpen, ++open);
        await sleep(call === 2 ? 30 : 10).finally(() => open--);
        if (call === 2) throw Object.assign(new Error('broker hiccup'), { code: 'hiccup' });
        for (const r of records) delivered.push(r.key);
      },
    };
    const { metrics, source, collector } = rig(flaky, 10_000);
    await collector.start();
    const sent = Array.from({ length: 3000 }, () => coreEvent());
    for (const e of sent) source.emit('ADDED', e);
    await waitFor('all acknowledged', async () => (await metricValue(metrics.eventsPublished)) === 3000);
    assert.ok(calls >= 5, `${calls} publish calls: at least 4 batches and one resend`);
    assert.ok(maxOpen >= 2, 'batches overlapped');
    const keys = new Set(delivered);
    for (const e of sent) {
      const inv = e.involvedObject as { uid: string };
      assert.ok(keys.has(`test-1/shop/${inv.uid}`), `${inv.uid} delivered`);
    }
    assert.equal(await metricValue(metrics.publishFailures, { code: 'hiccup' }), 1);
    assert.equal(await metricValue(metrics.dropped), 0);
    assert.equal(collector.buffered, 0);
    await collector.close();
  });

  it('skips DELETED and unchanged MODIFIED, publishes a count bump', async () => {
    const publisher = recordingPublisher();
    const { metrics, source, collector } = rig(publisher);
    await collector.start();
    const e = coreEvent();
    source.emit('ADDED', e);
    source.emit('MODIFIED', { ...e, metadata: { ...(e.metadata as object), resourceVersion: '9' } });
    source.emit('MODIFIED', { ...e, count: 2 });
    source.emit('DELETED', { ...e, count: 2 });
    source.list([{ ...e, count: 2 }]);
    await waitFor('published', () => publisher.records.length === 2);
    await sleep(50);
    assert.equal(publisher.records.length, 2);
    assert.equal(await metricValue(metrics.eventsSkipped, { reason: 'unchanged' }), 1);
    assert.equal(await metricValue(metrics.eventsSkipped, { reason: 'deleted' }), 1);
    assert.equal(await metricValue(metrics.eventsSkipped, { reason: 'duplicate' }), 1);
    assert.equal(await metricValue(metrics.eventsWatched, { api: 'core/v1', type: 'MODIFIED' }), 2);
    await collector.close();
  });

  it('survives bad input: each object is normalized or rejected with a counted reason', async () => {
    const publisher = recordingPublisher();
    const { metrics, source, collector } = rig(publisher);
    await collector.start();
    const bad: unknown[] = [
      null,
      'text',
      42,
      [],
      {},
      { apiVersion: 'v1', kind: 'Event' },
      { apiVersion: 'v9', kind: 'Event', metadata: { uid: 'x' } },
      coreEvent({ metadata: { name: 'no-uid', namespace: 'shop' } }),
    ];
    const odd = [
      coreEvent({ message: 'x'.repeat(1024 * 1024) }),
      coreEvent({ lastTimestamp: 'yesterday', firstTimestamp: '2026-13-45T99:00:00Z' }),
      coreEvent({ involvedObject: { kind: 'FrobnicatorWidget', name: 'w', uid: 'w-1' } }),
      coreEvent({ message: 'bad \uD800 surrogate \u0000 nul', reason: null, type: 'Weird', count: -3 }),
      coreEvent({ involvedObject: null, source: 'kubelet', count: '7' }),
    ];
    for (const o of [...bad, ...odd]) source.emit('ADDED', o);
    await waitFor('odd ones published', () => publisher.records.length === odd.length);
    assert.equal(await metricValue(metrics.normalizeFailures), bad.length);
    const events = publisher.events();
    for (const r of publisher.records) assert.ok(r.value.length < 64 * 1024, 'record bounded');
    assert.ok(events.some((e) => e.message.includes('truncated')));
    assert.ok(events.every((e) => !e.message.includes('\u0000') && !/[\uD800-\uDFFF]/.test(e.message)));
    assert.ok(events.some((e) => e.involvedObject.kind === 'FrobnicatorWidget'));
    assert.equal(collector.ready(), true);
    await collector.close();
  });

  it('close() flushes the buffer before resolving; losing leadership discards it, counted', async () => {
    const slow: EventPublisher & { n: number } = {
      n: 0,
      async publish(_t, records) {
        await sleep(30);
        slow.n += records.length;
      },
    };
    const a = rig(slow);
    await a.collector.start();
    for (let i = 0; i < 50; i++) a.source.emit('ADDED', coreEvent());
    await a.collector.close({ flushTimeoutMs: 5000 });
    assert.equal(slow.n, 50);
    assert.equal(await metricValue(a.metrics.eventsPublished), 50);

    const down = recordingPublisher();
    down.failing = true;
    const b = rig(down);
    await b.collector.start();
    for (let i = 0; i < 7; i++) b.source.emit('ADDED', coreEvent());
    await b.collector.close({ discard: true });
    assert.equal(await metricValue(b.metrics.dropped, { reason: 'leadership_lost' }), 7);
  });
});
