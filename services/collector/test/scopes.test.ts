import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricValue, waitFor } from './helpers.js';
import { expectedIds, pod, publishedExactly, rig } from './standin-rig.js';

function seriesEvent(name: string, namespace = 'shop') {
  return {
    involvedObject: { kind: 'Pod', name, namespace, uid: `uid-${name}` },
    reason: 'FailedMount',
    type: 'Warning',
    series: true,
    action: 'Mounting',
    reportingController: 'kubelet',
    message: `mount failed for ${name}`,
  };
}

describe('collector API variants over the stand-in', () => {
  it('events.k8s.io/v1: listed and watched, each series.count bump is a new occurrence', async () => {
    const r = await rig({ kubernetes: { api: 'events.k8s.io/v1', stallTimeout: '5s' } });
    try {
      const listed = r.standin.createEvent(seriesEvent('a'));
      r.standin.bumpEvent(listed.metadata.uid as string); // series.count 2 before the LIST
      r.standin.createEvent(pod('core-style')); // written by a core/v1 recorder: deprecatedCount
      await r.collector.start();
      await waitFor('initial list', () => r.publisher.records.length === 2);
      const watched = r.standin.createEvent(seriesEvent('b'));
      for (let i = 0; i < 3; i++) r.standin.bumpEvent(watched.metadata.uid as string);
      r.standin.bumpEvent(listed.metadata.uid as string);
      const all = expectedIds(r.standin, 'test-1');
      // a's first occurrence (count 1) was already replaced by its bump when the collector listed.
      await publishedExactly(r, all.slice(1));
      const b = r.publisher.events().filter((e) => e.involvedObject.name === 'b');
      assert.deepEqual(
        b.map((e) => e.count),
        [1, 2, 3, 4],
      );
      assert.deepEqual(
        b.slice(1).map((e) => e.series?.count),
        [2, 3, 4],
      );
      assert.equal(new Set(b.map((e) => e.incidentKey)).size, 1);
      assert.equal(b[0]?.action, 'Mounting');
      assert.equal(b[0]?.reportingController, 'kubelet');
      assert.ok(b[0]?.eventTime, 'eventTime kept');
      assert.equal(b[0]?.message, 'mount failed for b');
      const api = { api: 'events.k8s.io/v1' };
      assert.equal(await metricValue(r.metrics.eventsWatched, { ...api, type: 'LISTED' }), 2);
      assert.equal(await metricValue(r.metrics.eventsWatched, { ...api, type: 'MODIFIED' }), 4);
      assert.ok((r.standin.stats().requests['/apis/events.k8s.io/v1/events'] ?? 0) >= 2);
      assert.equal(r.standin.stats().requests['/api/v1/events'] ?? 0, 0);
    } finally {
      await r.close();
    }
  });

  it('per-namespace mode: one list+watch per namespace, nothing from others', async () => {
    const r = await rig({ kubernetes: { namespaces: ['shop', 'pay'], stallTimeout: '5s' } });
    const inNs = (name: string, namespace: string) => ({
      ...pod(name),
      involvedObject: { kind: 'Pod', name, namespace, uid: `uid-${namespace}-${name}` },
    });
    try {
      r.standin.createEvent(inNs('s0', 'shop'));
      r.standin.createEvent(inNs('p0', 'pay'));
      r.standin.createEvent(inNs('x0', 'other'));
      await r.collector.start();
      await waitFor('two watches', () => r.standin.stats().openWatches === 2);
      r.standin.createEvent(inNs('s1', 'shop'));
      r.standin.createEvent(inNs('x1', 'other'));
      const p1 = r.standin.createEvent(inNs('p1', 'pay'));
      r.standin.bumpEvent(p1.metadata.uid as string);
      const mine = r.standin.occurrences().filter((o) => o.namespace !== 'other');
      const ids = expectedIds(r.standin, 'test-1').filter(
        (_, i) => r.standin.occurrences()[i]?.namespace !== 'other',
      );
      assert.equal(ids.length, mine.length);
      await publishedExactly(r, ids);
      assert.ok(r.publisher.events().every((e) => e.event.namespace !== 'other'));
      const req = r.standin.stats().requests;
      assert.ok((req['/api/v1/namespaces/shop/events'] ?? 0) >= 2, 'LIST + watch in shop');
      assert.ok((req['/api/v1/namespaces/pay/events'] ?? 0) >= 2, 'LIST + watch in pay');
      assert.equal(req['/api/v1/events'] ?? 0, 0, 'never cluster-wide');
      assert.equal(await metricValue(r.metrics.relists, { reason: 'initial' }), 2);
      assert.equal(r.collector.ready(), true);
    } finally {
      await r.close();
    }
  });
});
