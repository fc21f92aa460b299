import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { metricValue, recordingLog, waitFor, warnings } from './helpers.js';
import { expectedIds, pod, publishedExactly, rig, staleEvent, type Rig } from './standin-rig.js';

describe('collector over the Kubernetes API stand-in', () => {
  describe('list, watch, bump, delete, age', () => {
    let r: Rig;
    before(async () => {
      r = await rig();
    });
    after(() => r.close());

    it('publishes listed and watched events; a bump is a new occurrence of the same incident', async () => {
      const old = new Date(Date.now() - 2 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      r.standin.createEvent(pod('a'));
      r.standin.createEvent({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'stale.1', namespace: 'shop', uid: 'ev-stale' },
        involvedObject: { kind: 'Pod', name: 'stale', namespace: 'shop', uid: 'uid-stale' },
        reason: 'BackOff',
        type: 'Warning',
        count: 3,
        firstTimestamp: old,
        lastTimestamp: old,
      });
      await r.collector.start();
      await waitFor('initial list', () => r.publisher.records.length === 1);
      const first = r.standin.createEvent(pod('b', 'Failed'));
      r.standin.bumpEvent(first.metadata.uid as string);
      r.standin.deleteEvent(first.metadata.uid as string);
      const fresh = expectedIds(r.standin, 'test-1').filter(
        (id) => id !== expectedIds(r.standin, 'test-1')[1],
      );
      await publishedExactly(r, fresh);
      const events = r.publisher.events();
      const b = events.filter((e) => e.involvedObject.name === 'b');
      assert.deepEqual(
        b.map((e) => e.count),
        [1, 2],
      );
      assert.equal(b[0]?.incidentKey, b[1]?.incidentKey);
      assert.notEqual(b[0]?.occurrenceId, b[1]?.occurrenceId);
      assert.equal(r.publisher.records[0]?.headers.schema, 'kube-herald.event/v1');
      assert.equal(r.publisher.records[0]?.key, 'test-1/shop/uid-a');
      assert.equal(await metricValue(r.metrics.eventsSkipped, { reason: 'old' }), 1);
      assert.equal(await metricValue(r.metrics.eventsSkipped, { reason: 'deleted' }), 1);
      assert.equal(r.collector.ready(), true);
    });
  });

  it('resumes a dropped watch from the last resourceVersion: nothing lost, nothing twice', async () => {
    const r = await rig();
    try {
      for (let i = 0; i < 5; i++) r.standin.createEvent(pod(`p${i}`));
      await r.collector.start();
      await waitFor('list', () => r.publisher.records.length === 5);
      for (let round = 0; round < 3; round++) {
        await waitFor('watch open', () => r.standin.stats().openWatches === 1);
        assert.equal(r.standin.dropWatches(), 1);
        r.standin.createEvent(pod(`drop${round}`));
        r.standin.bumpEvent(r.standin.eventsCreated()[0]?.metadata.uid as string);
        await sleep(100);
      }
      await publishedExactly(r, expectedIds(r.standin, 'test-1'));
      assert.ok((await metricValue(r.metrics.watchRestarts)) >= 3);
      assert.equal(await metricValue(r.metrics.relists), 1, 'a dropped watch must not relist');
    } finally {
      await r.close();
    }
  });

  it('on 410 Gone relists and publishes the missed occurrences exactly once', async () => {
    const r = await rig();
    try {
      for (let i = 0; i < 3; i++) r.standin.createEvent(pod(`p${i}`));
      await r.collector.start();
      await waitFor('list', () => r.publisher.records.length === 3);
      r.standin.down(true);
      for (let i = 0; i < 4; i++) r.standin.createEvent(pod(`missed${i}`));
      r.standin.createEvent(staleEvent('stale-missed')); // the relist must not publish it
      r.standin.bumpEvent(r.standin.eventsCreated()[0]?.metadata.uid as string);
      r.standin.compact();
      r.standin.down(false);
      await publishedExactly(
        r,
        expectedIds(r.standin, 'test-1').filter(
          (_, i) => r.standin.occurrences()[i]?.name !== 'stale-missed.1',
        ),
      );
      assert.equal(await metricValue(r.metrics.eventsSkipped, { reason: 'old' }), 1);
      assert.equal(await metricValue(r.metrics.relists, { reason: 'expired' }), 1);
      assert.ok(
        (await metricValue(r.metrics.eventsSkipped, { reason: 'duplicate' })) >= 2,
        'p1 and p2 were listed again and skipped',
      );
    } finally {
      await r.close();
    }
  });

  it('restarts a silent watch (watchdog) and delivers what it missed', async () => {
    const r = await rig({ kubernetes: { stallTimeout: '700ms', watchTimeoutSeconds: 60 } });
    try {
      await r.collector.start();
      await waitFor('watching', () => r.collector.ready() === true && r.standin.stats().openWatches === 1);
      r.standin.stallWatches(true);
      r.standin.createEvent(pod('during-stall'));
      await waitFor(
        'watchdog restart',
        async () => (await metricValue(r.metrics.watchRestarts, { reason: 'stall' })) >= 1,
      );
      r.standin.stallWatches(false);
      await publishedExactly(r, expectedIds(r.standin, 'test-1'));
    } finally {
      await r.close();
    }
  });

  it('a quiet watch without bookmarks is not a stall: heartbeats keep it alive and fresh across compactions', async () => {
    // Scaled down: the watch asks the server to end it every 2 s, heartbeats after 300 ms of silence, and
    // the history is compacted every 700 ms — for 6 s, no warning, no stall restart, no re-list.
    const { log, lines } = recordingLog();
    const r = await rig(
      {
        kubernetes: {
          namespaces: ['shop'],
          stallTimeout: '1500ms',
          heartbeatInterval: '300ms',
          watchTimeoutSeconds: 2,
        },
      },
      {},
      log,
    );
    try {
      await r.collector.start();
      await waitFor('watching', () => r.standin.stats().openWatches === 1);
      const compactions = setInterval(() => {
        // Changes the watch never sees (another namespace) move the server's resourceVersion on.
        r.standin.createEvent({ ...pod('elsewhere'), namespace: 'other' });
        r.standin.compact(10); // like etcd's compaction, a window of recent history stays (here ≈ 2–3 s)
      }, 700);
      await sleep(6000);
      clearInterval(compactions);
      assert.equal(r.standin.stats().bookmarksSent, 0, 'the stand-in sends no bookmarks on event watches');
      assert.ok((await metricValue(r.metrics.heartbeats, { result: 'seen' })) >= 5, 'heartbeats came back');
      assert.equal(await metricValue(r.metrics.watchRestarts, { reason: 'stall' }), 0);
      assert.equal(await metricValue(r.metrics.watchRestarts, { reason: 'expired' }), 0);
      assert.ok((await metricValue(r.metrics.watchRestarts, { reason: 'closed' })) >= 2, 'server timeouts');
      assert.equal(await metricValue(r.metrics.relists), 1, 'the initial LIST only');
      assert.deepEqual(warnings(lines), []);
      r.standin.createEvent(pod('after-quiet'));
      await publishedExactly(r, expectedIds(r.standin, 'test-1').slice(-1));
      assert.equal(r.publisher.records.length, 1, 'heartbeats are never published');
    } finally {
      await r.close();
    }
  });

  it('without heartbeats (refused by RBAC) a silent watch waits for the server to end it', async () => {
    const { log, lines } = recordingLog();
    const r = await rig(
      { kubernetes: { stallTimeout: '600ms', heartbeatInterval: '200ms', watchTimeoutSeconds: 1 } },
      {},
      log,
    );
    try {
      await r.collector.start();
      await waitFor('watching', () => r.standin.stats().openWatches === 1);
      r.standin.forbid(['events']); // the open watch goes on; the heartbeat's write is refused
      await waitFor(
        'refused',
        async () => (await metricValue(r.metrics.heartbeats, { result: 'refused' })) >= 1,
      );
      r.standin.forbid([]);
      await sleep(3000); // three server timeouts, each longer than the stall timeout
      assert.equal(await metricValue(r.metrics.watchRestarts, { reason: 'stall' }), 0);
      assert.ok((await metricValue(r.metrics.watchRestarts, { reason: 'closed' })) >= 2);
      assert.deepEqual(
        warnings(lines).filter((l) => l.reason === 'stall'),
        [],
        'no stall warning for a quiet watch',
      );
    } finally {
      await r.close();
    }
  });

  it('resets the back-off after a watch that ran healthily (repeated socket resets)', async () => {
    const r = await rig({ kubernetes: { stallTimeout: '20s', heartbeatInterval: 0 } });
    try {
      await r.collector.start();
      for (let round = 0; round < 6; round++) {
        await waitFor('watch open', () => r.standin.stats().openWatches === 1);
        r.standin.createEvent(pod(`reset${round}`));
        await waitFor('delivered', () => r.publisher.records.length === round + 1);
        const t0 = Date.now();
        assert.equal(r.standin.dropWatches(), 1);
        await waitFor('re-watch', () => r.standin.stats().openWatches === 1, 10_000);
        // retryBaseMs is 50 in the rig: growing, the sixth wait would be 50 * 2^5 = 1.6 s
        assert.ok(Date.now() - t0 < 600, `round ${round}: re-watched after ${Date.now() - t0} ms`);
      }
      await publishedExactly(r, expectedIds(r.standin, 'test-1'));
    } finally {
      await r.close();
    }
  });
});
