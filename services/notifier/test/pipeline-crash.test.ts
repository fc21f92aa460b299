import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Subscriber } from '@kube-herald/bus';
import { createGroupStore, type RecordItem } from '../src/store/group-store.js';
import { createHarness, metricValue, until, warning } from './pipeline-harness.js';
import { withRedis } from './redis-fixture.js';
import { ordersItem } from './store-fixtures.js';

const route = {
  receiver: 'oncall',
  groupBy: ['cluster', 'namespace'],
  groupWait: '200ms',
  groupInterval: '1s',
  // an unchanged group gets a reminder at repeatInterval: none within this test
  repeatInterval: '1h',
};

/** A subscriber whose process "dies" after the handler wrote to Redis and before the offset commit. */
function crashAfterRedis(inner: Subscriber): Subscriber {
  return {
    start: (handler) =>
      inner.start(async (records, ctx) => {
        await handler(records, ctx);
        throw new Error('simulated crash between the Redis write and the offset commit');
      }),
    close: () => inner.close(),
  };
}

test('a notifier killed after recording but before committing: the restarted one sends nothing twice and loses nothing', async () => {
  // one partition: the failing batch is redelivered to A again and again, so it must hold every record
  const h = await createHarness({ robots: [{ name: 'oncall' }], route, partitions: 1 });
  try {
    const a = await h.instance({ deliver: false, schedule: false }, undefined, crashAfterRedis);
    await h.publish(
      Array.from({ length: 50 }, (_, i) => warning({ ns: 'orders', name: `w-${i % 5}` }, i + 1)),
    );
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_grouped_total')) === 50,
      30_000,
      'recorded by A',
    );
    await a.close();
    const b = await h.instance();
    await until(
      async () => (await metricValue(b.registry, 'kube_herald_notifier_events_notified_total')) === 50,
      30_000,
      'delivered by B',
    );
    assert.ok(
      (await metricValue(b.registry, 'kube_herald_notifier_deduped_total')) >= 50,
      'B got the uncommitted records again',
    );
    assert.equal(await metricValue(b.registry, 'kube_herald_notifier_grouped_total'), 0);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(h.standin.messages('oncall').length, 1, 'one message, not two');
  } finally {
    await h.close();
  }
});

const item = (n: number): RecordItem => ordersItem(n, { repeatInterval: 5000 });

test('a delivery attempt that died after taking: the next attempt recovers the take; a failed send restores it', () =>
  withRedis('kht-crash', async (redis, prefix) => {
    const store = createGroupStore({ redis, prefix, dedupTtlMs: 3_600_000 });
    assert.deepEqual(
      (await store.record([item(1), item(2), item(2), item(3)], 1000)).map((o) => o.fresh),
      [true, true, false, true],
    );
    const [due] = await store.claimDue(1000, 10);
    assert.ok(due);
    const first = await store.take('job-1', 'oncall', due.gid, 0, 1001);
    assert.equal(first.groups[0]?.incidents[0]?.occurrences, 3);
    // the attempt dies here (no commit, no restore); BullMQ runs the job again
    const again = await store.take('job-1', 'oncall', due.gid, 0, 1002);
    assert.equal(again.recovered, 3);
    assert.equal(again.groups[0]?.incidents[0]?.occurrences, 3);
    assert.equal(again.groups[0]?.incidents[0]?.isNew, true, 'still new: never committed');
    // the send fails transiently: restore, then another job takes the same occurrences
    assert.equal(await store.restore('job-1', 1003), 3);
    const other = await store.take('job-2', 'oncall', due.gid, 0, 1004);
    assert.equal(other.recovered, 0);
    assert.equal(other.groups[0]?.incidents[0]?.occurrences, 3);
    assert.equal(await store.commit('job-2', 1005), 1);
    assert.equal(
      (await store.take('job-3', 'oncall', due.gid, 0, 1006)).groups.length,
      0,
      'nothing left after commit',
    );
    await store.record([item(4)], 1007);
    const grown = await store.take('job-4', 'oncall', due.gid, 0, 1008);
    assert.equal(grown.groups[0]?.incidents[0]?.isNew, false, 'a repeat of a sent incident is not new');
    assert.equal(grown.groups[0]?.incidents[0]?.count, 4);
  }));
