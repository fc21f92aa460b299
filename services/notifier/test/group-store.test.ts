import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGroupStore, type GroupRef, type RecordItem } from '../src/store/group-store.js';
import { withRedis } from './redis-fixture.js';
import { ref } from './store-fixtures.js';

function item(occ: string, incident: string, count: number, groups: readonly GroupRef[], t = 10): RecordItem {
  const summary = JSON.stringify({ reason: 'BackOff', n: count });
  return {
    occurrenceId: occ,
    incidentKey: incident,
    count,
    firstSeenMs: t,
    lastSeenMs: t + count,
    observedAtMs: t + count,
    summary,
    groups,
  };
}

test('record: repeats of one incident within a batch and across groups are merged once per batch', () =>
  withRedis('kht-store', async (redis, prefix) => {
    const store = createGroupStore({ redis, prefix, dedupTtlMs: 3_600_000 });
    const [a, b] = [ref('a'), ref('b')];
    const fresh = await store.record(
      [
        item('o1', 'i1', 1, [a]),
        item('o2', 'i1', 3, [a, b]),
        item('o3', 'i1', 2, [a]),
        item('o2', 'i1', 3, [a, b]), // the same occurrence twice in one batch: deduped
        item('o4', 'i2', 1, [b]),
      ],
      1000,
    );
    assert.deepEqual(
      fresh.map((o) => o.fresh),
      [true, true, true, false, true],
    );
    const inc = JSON.parse((await redis.hget(`${prefix}:gi:${a.gid}`, 'i1')) ?? '{}') as Record<
      string,
      unknown
    >;
    assert.deepEqual(
      { c: inc['c'], n: inc['n'], f: inc['f'], l: inc['l'], o: inc['o'], sent: inc['sent'] },
      { c: 3, n: 3, f: 10, l: 13, o: 11, sent: 0 },
    );
    assert.equal(inc['s'], JSON.stringify({ reason: 'BackOff', n: 2 }), 'the latest event describes it');
    const group = await redis.hgetall(`${prefix}:g:${a.gid}`);
    assert.deepEqual([group['pending'], group['newInc'], group['lastActivity']], ['3', '1', '1000']);
    const gb = await redis.hgetall(`${prefix}:g:${b.gid}`);
    assert.deepEqual([gb['pending'], gb['newInc'], gb['gi'], gb['ri']], ['2', '2', '1000', '10000']);
    assert.equal(await redis.zscore(`${prefix}:due`, a.gid), String(1000 + a.groupWait));

    // a later batch adds to what is there; known incidents are not new again
    await store.record([item('o5', 'i1', 4, [a])], 2000);
    const again = await redis.hgetall(`${prefix}:g:${a.gid}`);
    assert.deepEqual([again['pending'], again['newInc'], again['lastActivity']], ['4', '1', '2000']);
    const taken = await store.take('job-1', 'oncall', a.gid, 0, 2100);
    assert.equal(taken.groups[0]?.groupInterval, 1000);
    assert.deepEqual(
      taken.groups[0]?.incidents.map((i) => [i.incidentKey, i.occurrences, i.count, i.isNew]),
      [['i1', 4, 4, true]],
    );
  }));

test('record: one chunk with thousands of distinct incidents in one group (Lua unpack bound)', () =>
  withRedis('kht-store', async (redis, prefix) => {
    const store = createGroupStore({ redis, prefix, dedupTtlMs: 3_600_000, chunkSize: 6000 });
    const g = ref('big');
    const items = Array.from({ length: 6000 }, (_, i) => item(`o${i}`, `i${i}`, 1, [g]));
    const fresh = await store.record(items, 1000);
    assert.equal(fresh.filter((o) => o.fresh).length, 6000);
    assert.equal(await redis.hlen(`${prefix}:gi:${g.gid}`), 6000);
    assert.equal(await redis.hget(`${prefix}:g:${g.gid}`, 'newInc'), '6000');
    assert.deepEqual(
      (await store.record(items.slice(0, 3), 1001)).map((o) => o.fresh),
      [false, false, false],
    );
  }));

test('record: dedup per (occurrence, receiver): a new receiver gets what others had, nothing twice; seen() agrees', () =>
  withRedis('kht-store', async (redis, prefix) => {
    const store = createGroupStore({ redis, prefix, dedupTtlMs: 3_600_000 });
    const [oncall, oncall2, audit] = [ref('a'), ref('a2'), ref('a', 'audit')];
    const pending = async (g: GroupRef): Promise<string | null> =>
      redis.hget(`${prefix}:g:${g.gid}`, 'pending');
    // the live path saw o1 for oncall only (e.g. audit's route did not exist yet, or a replay filter)
    assert.deepEqual(await store.record([item('o1', 'i1', 1, [oncall, oncall2])], 1000), [
      { fresh: true, deduped: [] },
    ]);
    const q = { occurrenceId: 'o1', receivers: ['oncall', 'audit'] };
    assert.deepEqual(await store.seen([q]), [{ fresh: true, deduped: ['oncall'] }]);
    // later both receivers match: only audit's group gets it; both of oncall's groups are skipped
    assert.deepEqual(await store.record([item('o1', 'i1', 1, [oncall, oncall2, audit])], 1001), [
      { fresh: true, deduped: ['oncall'] },
    ]);
    assert.deepEqual([await pending(oncall), await pending(oncall2), await pending(audit)], ['1', '1', '1']);
    // redelivery: every receiver marked → deduped, nothing recorded
    assert.deepEqual(await store.record([item('o1', 'i1', 1, [oncall, audit])], 1002), [
      { fresh: false, deduped: [] },
    ]);
    assert.deepEqual(await store.seen([q]), [{ fresh: false, deduped: [] }]);
    assert.deepEqual([await pending(oncall), await pending(audit)], ['1', '1']);
    // one hash field per (event uid, receiver) in a time bucket kept ttl to 1.5 ttl after its end
    const buckets = await redis.keys(`${prefix}:d:*`);
    assert.equal(buckets.length, 1);
    assert.equal(await redis.hlen(buckets[0]!), 2, 'o1 for oncall and audit');
    const ttl = await redis.pttl(buckets[0]!);
    assert.ok(ttl > 3_500_000 && ttl <= 5_400_000, `bucket with the dedup TTL (${ttl})`);
    // force ignores marks (and writes them)
    assert.deepEqual(await store.record([item('o1', 'i1', 1, [audit])], 1003, true), [
      { fresh: true, deduped: [] },
    ]);
    assert.equal(await pending(audit), '2');

    // an event without groups (dropped/silenced/unrouted): a light mark of its own, never blocking groups
    assert.deepEqual(
      (await store.record([item('o2', 'i2', 1, [])], 1004)).map((o) => o.fresh),
      [true],
    );
    assert.deepEqual(
      (await store.record([item('o2', 'i2', 1, [])], 1005)).map((o) => o.fresh),
      [false],
    );
    assert.deepEqual(await store.seen([{ occurrenceId: 'o2', receivers: [] }]), [
      { fresh: false, deduped: [] },
    ]);
    assert.deepEqual(await store.record([item('o2', 'i2', 1, [audit])], 1006), [
      { fresh: true, deduped: [] },
    ]);

    // a fleet-wide mark of the previous version counts as every receiver having had the occurrence
    await redis.set(`${prefix}:seen:o3`, '1', 'PX', 60_000);
    assert.deepEqual(await store.seen([{ occurrenceId: 'o3', receivers: ['audit'] }]), [
      { fresh: false, deduped: [] },
    ]);
    assert.deepEqual(await store.record([item('o3', 'i3', 1, [audit])], 1007), [
      { fresh: false, deduped: [] },
    ]);
    assert.equal(await redis.hexists(`${prefix}:gi:${audit.gid}`, 'i3'), 0);
  }));
