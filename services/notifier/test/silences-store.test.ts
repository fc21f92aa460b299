import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { isKhError } from '@kube-herald/errors';
import { redisUrl, uniqueName, waitFor } from '@kube-herald/testing';
import { createSilenceStore } from '../src/silences/index.js';
import type { SilenceStore } from '../src/silences/index.js';
import { makeEvent } from './routing-fixtures.js';

async function withStores(
  fn: (a: SilenceStore, b: SilenceStore, t: { now: number }) => Promise<void>,
): Promise<void> {
  const prefix = uniqueName('kh-test-silences');
  const redis = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const clock = { now: Date.parse('2025-03-01T02:00:00Z') };
  const a = createSilenceStore({ redis, prefix, clock: () => clock.now, refreshMs: 60_000 });
  const b = createSilenceStore({ redis, prefix, clock: () => clock.now, refreshMs: 60_000 });
  try {
    await a.start();
    await b.start();
    await fn(a, b, clock);
  } finally {
    await a.close();
    await b.close();
    await a.close(); // idempotent
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
}

test('add → match from memory: matchers (text and object), time window, non-matching events', async () => {
  await withStores(async (a, _b, clock) => {
    const s = await a.add({
      matchers: ['namespace="payments"', { field: 'reason', op: '=~', value: 'Back.*' }, 'labels.app!="web"'],
      startsAt: '2025-03-01T02:10:00Z',
      for: '1h',
      createdBy: 'alice',
      comment: 'deploying payments',
    });
    assert.equal(s.endsAt, '2025-03-01T03:10:00.000Z');
    assert.equal(a.match(makeEvent()), undefined, 'not started yet');
    clock.now = Date.parse('2025-03-01T02:30:00Z');
    assert.equal(a.match(makeEvent())?.id, s.id);
    assert.equal(a.match(makeEvent({ reason: 'Unhealthy' })), undefined);
    assert.equal(a.match(makeEvent({ namespace: 'orders' })), undefined);
    assert.equal(a.match(makeEvent({ labels: { app: 'web' } })), undefined);
    assert.equal(a.match(makeEvent(), Date.parse('2025-03-01T03:10:00Z')), undefined, 'ended');
  });
});

test('another replica sees a new silence through the pub/sub notice, and its expiry too', async () => {
  await withStores(async (a, b) => {
    const s = await a.add({
      matchers: ['cluster=prod-hz'],
      for: '2h',
      createdBy: 'bob',
      comment: 'maintenance',
    });
    const seen = await waitFor(() => b.match(makeEvent()), { timeoutMs: 3000, what: 'silence on replica b' });
    assert.equal(seen.id, s.id);
    const ended = await b.expire(s.id);
    assert.ok(Date.parse(ended.endsAt) <= Date.parse('2025-03-01T02:00:00Z'));
    await waitFor(() => a.match(makeEvent()) === undefined, { timeoutMs: 3000, what: 'expiry on replica a' });
    assert.deepEqual(await a.list(), []);
    assert.deepEqual(
      (await a.list({ includeExpired: true })).map((x) => x.id),
      [s.id],
    );
  });
});

test('invalid silences and unknown ids fail with stable codes', async () => {
  await withStores(async (a) => {
    const base = { createdBy: 'c', comment: 'x', for: '1h' };
    for (const bad of [
      { ...base, matchers: [] },
      { ...base, matchers: ['reason=~"Back("'] },
      { ...base, matchers: ['colour=red'] },
      { ...base, matchers: ['reason=x'], for: 'soon' },
      { ...base, matchers: ['reason=x'], startsAt: '2025-03-01T02:00:00Z', endsAt: '2025-03-01T01:00:00Z' },
    ]) {
      await assert.rejects(a.add(bad), (e: unknown) => isKhError(e, 'silence_invalid'));
    }
    await assert.rejects(a.expire('nope'), (e: unknown) => isKhError(e, 'silence_not_found'));
    assert.deepEqual(await a.list({ includeExpired: true }), []);
  });
});

test('ended silences are listed until retentionMs has passed, then removed from Redis', async () => {
  await withStores(async (a, b, clock) => {
    const s = await a.add({ matchers: ['namespace="x"'], for: '1h', createdBy: 'alice', comment: 'c' });
    const kept = await a.add({ matchers: ['namespace="y"'], for: '30d', createdBy: 'bob', comment: 'c' });
    await a.expire(s.id);
    clock.now += 4 * 86_400_000;
    await b.refresh();
    assert.deepEqual(
      (await b.list({ includeExpired: true })).map((x) => x.id).sort(),
      [s.id, kept.id].sort(),
      'within the default 5-day retention',
    );
    clock.now += 2 * 86_400_000;
    await b.refresh();
    assert.deepEqual(
      (await a.list({ includeExpired: true })).map((x) => x.id),
      [kept.id],
    );
    assert.equal(b.removed, 1);
  });
});
