// Dedup by event uid: the highest count per (uid, receiver), memory per live uid (issue 12, real Redis).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGroupStore, type GroupRef, type RecordItem } from '../src/store/group-store.js';
import { withRedis } from './redis-fixture.js';
import { ref } from './store-fixtures.js';

/** Occurrence `count` of event uid `uid` (occurrenceId as the collector derives it: one per count). */
function occ(uid: string, count: number, groups: readonly GroupRef[], t = 10): RecordItem {
  return {
    occurrenceId: `${uid}#${count}`,
    dedupKey: `prod/${uid}`,
    incidentKey: `inc-${uid}`,
    count,
    firstSeenMs: t,
    lastSeenMs: t + count,
    observedAtMs: t + count,
    summary: '{}',
    groups,
  };
}

test('dedup by event uid: a higher count is new, an equal or lower one a duplicate; force records again', () =>
  withRedis('kht-dedup', async (redis, prefix) => {
    const store = createGroupStore({ redis, prefix, dedupTtlMs: 3_600_000 });
    const g = ref('a');
    const fresh = async (items: RecordItem[], force = false): Promise<boolean[]> =>
      (await store.record(items, Date.now(), force)).map((o) => o.fresh);
    // within one batch: 1, 2, 2 (a duplicate), 3
    assert.deepEqual(
      await fresh([occ('u1', 1, [g]), occ('u1', 2, [g]), occ('u1', 2, [g]), occ('u1', 3, [g])]),
      [true, true, false, true],
    );
    // across batches: an older count (a relist, a redelivery) is a duplicate; the next one is not
    assert.deepEqual(await fresh([occ('u1', 2, [g]), occ('u1', 3, [g]), occ('u1', 4, [g])]), [
      false,
      false,
      true,
    ]);
    assert.equal(await redis.hget(`${prefix}:g:${g.gid}`, 'pending'), '4');
    // seen() agrees (dry run)
    const q = (count: number) => ({
      occurrenceId: `u1#${count}`,
      dedupKey: 'prod/u1',
      count,
      receivers: ['oncall'],
    });
    assert.deepEqual(
      (await store.seen([q(4), q(5)])).map((o) => o.fresh),
      [false, true],
    );
    // force (replay --force) records an occurrence again, without lowering the highest count
    assert.deepEqual(await fresh([occ('u1', 2, [g])], true), [true]);
    assert.deepEqual(await fresh([occ('u1', 4, [g])]), [false]);
    // a dropped/silenced occurrence of another uid: its redelivery is deduped, it never blocks grouping
    assert.deepEqual(await fresh([occ('u2', 1, [])]), [true]);
    assert.deepEqual(await fresh([occ('u2', 1, [])]), [false]);
    assert.deepEqual(await fresh([occ('u2', 1, [g])]), [true]);
  }));

test('dedup memory follows live event uids, not occurrences: 5,000 repeats of 100 uids keep 100 fields', () =>
  withRedis('kht-dedup', async (redis, prefix) => {
    const store = createGroupStore({ redis, prefix, dedupTtlMs: 3_600_000 });
    const g = ref('a');
    for (let round = 1; round <= 50; round += 1) {
      await store.record(
        Array.from({ length: 100 }, (_, i) => occ(`uid-${i}`, round, [g])),
        Date.now(),
      );
    }
    let fields = 0;
    const keys = await redis.keys(`${prefix}:d:*`);
    for (const k of keys) fields += await redis.hlen(k);
    assert.equal(fields, 100, 'one field per (uid, receiver)');
    assert.equal(await redis.keys(`${prefix}:seen*`).then((k) => k.length), 0, 'no per-occurrence marks');
    for (const k of keys) {
      const ttl = await redis.pttl(k);
      assert.ok(ttl > 3_500_000 && ttl <= 5_400_000, `bucket kept ttl to 1.5 ttl (${ttl})`);
    }
    assert.equal(await redis.hget(`${prefix}:g:${g.gid}`, 'pending'), '5000');
  }));

test('an incident idle past repeatInterval with nothing pending leaves its group; pending ones stay', () =>
  withRedis('kht-prune', async (redis, prefix) => {
    const store = createGroupStore({ redis, prefix, dedupTtlMs: 3_600_000 });
    const g = ref('a'); // repeatInterval 10 s
    const t0 = 1_000_000;
    await store.record([occ('sent', 1, [g])], t0);
    await store.take('job-1', 'oncall', g.gid, 10, t0 + 1000);
    assert.equal(await store.commit('job-1', t0 + 1000), 1);
    await store.record([occ('pending', 1, [g])], t0 + 2000);
    const has = (k: string): Promise<number> => redis.hexists(`${prefix}:gi:${g.gid}`, k);
    // within repeatInterval: nothing pruned
    await store.record([occ('other', 1, [g])], t0 + 9000);
    assert.deepEqual([await has('inc-sent'), await has('inc-pending')], [1, 1]);
    // past it: the sent, idle incident is pruned; the pending one (never flushed) stays
    await store.record([occ('later', 1, [g])], t0 + 20_000);
    assert.deepEqual([await has('inc-sent'), await has('inc-pending'), await has('inc-later')], [0, 1, 1]);
    assert.equal(await redis.hget(`${prefix}:stats`, 'incidentsPruned'), '1');
    assert.ok((await redis.pttl(`${prefix}:gl:${g.gid}`)) > 0, 'the index expires with the group');
  }));

test('a route with resolveAfter keeps its idle incidents (the delivery side forgets them after the notice)', () =>
  withRedis('kht-prune', async (redis, prefix) => {
    const store = createGroupStore({
      redis,
      prefix,
      dedupTtlMs: 3_600_000,
      resolveAfter: { byRoute: { root: 60_000 }, fallback: 0 },
    });
    const g = ref('a');
    const t0 = 1_000_000;
    await store.record([occ('sent', 1, [g], t0)], t0);
    await store.take('job-1', 'oncall', g.gid, 10, t0 + 1000);
    await store.commit('job-1', t0 + 1000);
    await store.record([occ('later', 1, [g], t0 + 20_000)], t0 + 20_000);
    assert.equal(await redis.hexists(`${prefix}:gi:${g.gid}`, 'inc-sent'), 1);
  }));
