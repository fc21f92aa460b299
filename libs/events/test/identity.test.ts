import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  escapeKeyPart,
  fromCoreV1,
  incidentKey,
  incidentOf,
  occurrenceId,
  occurrenceOf,
  parseIncidentKey,
  partitionKey,
  unescapeKeyPart,
  type IncidentParts,
} from '../src/index.js';
import { CTX, rng } from './support.js';

const ALPHABET = ['a', 'b', '/', '%', '2', 'F', '-', '.', '', '中', '😀', ' '];
function word(next: () => number): string {
  const n = Math.floor(next() * 6);
  return Array.from({ length: n }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
}
function incident(next: () => number): IncidentParts {
  return {
    clusterId: word(next),
    namespace: word(next),
    kind: word(next),
    name: word(next),
    reason: word(next),
  };
}

test('occurrenceId: same inputs give the same id; 32 lowercase hex characters', () => {
  const next = rng(1);
  for (let i = 0; i < 500; i++) {
    const parts = { clusterId: word(next), eventUid: word(next), count: Math.floor(next() * 1e6) };
    const id = occurrenceId(parts);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(
      occurrenceId({ count: parts.count, eventUid: parts.eventUid, clusterId: parts.clusterId }),
      id,
    );
  }
});

test('occurrenceId: a count bump, another uid or another cluster give a new id (seed 2)', () => {
  const next = rng(2);
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const base = { clusterId: `c${i}`, eventUid: word(next), count: 1 + Math.floor(next() * 1000) };
    const ids = [
      occurrenceId(base),
      occurrenceId({ ...base, count: base.count + 1 }),
      occurrenceId({ ...base, eventUid: `${base.eventUid}x` }),
      occurrenceId({ ...base, clusterId: `${base.clusterId}x` }),
    ];
    assert.equal(new Set(ids).size, 4);
    for (const id of ids) seen.add(id);
  }
  assert.equal(seen.size, 2000);
});

test('occurrenceId: parts cannot bleed into each other', () => {
  assert.notEqual(
    occurrenceId({ clusterId: 'a', eventUid: 'b/c', count: 1 }),
    occurrenceId({ clusterId: 'a/b', eventUid: 'c', count: 1 }),
  );
  // Pinned value (sha256 of the JSON array, computed independently): changing the hash material
  // would make every occurrence already recorded by the notifier look new and alert again.
  assert.equal(
    occurrenceId({ clusterId: 'prod-hz-1', eventUid: '94cd1ce0-8958-4b37-a5c4-bb284dc72cd0', count: 1464 }),
    '054561f7ea1f0bcf1014cf5a5013294d',
  );
});

test('incidentKey: exactly 5 segments, round-trips through parseIncidentKey, injective (seed 3)', () => {
  const next = rng(3);
  const byKey = new Map<string, string>();
  for (let i = 0; i < 2000; i++) {
    const parts = incident(next);
    const key = incidentKey(parts);
    assert.equal(key.split('/').length, 5);
    assert.deepEqual(parseIncidentKey(key), parts);
    const canonical = JSON.stringify(parts);
    const before = byKey.get(key);
    assert.ok(before === undefined || before === canonical, `collision: ${before} vs ${canonical}`);
    byKey.set(key, canonical);
  }
});

test('incidentKey: plain names read as cluster/namespace/kind/name/reason; "/" and "%" are escaped', () => {
  const plain = { clusterId: 'prod-hz-1', namespace: 'shop', kind: 'Pod', name: 'api-0', reason: 'BackOff' };
  assert.equal(incidentKey(plain), 'prod-hz-1/shop/Pod/api-0/BackOff');
  assert.equal(incidentKey({ ...plain, reason: 'a/b%2F' }), 'prod-hz-1/shop/Pod/api-0/a%2Fb%252F');
  assert.notEqual(
    incidentKey({ ...plain, name: 'x/y' }),
    incidentKey({ ...plain, namespace: 'shop/x', name: 'y' }),
  );
  assert.equal(incidentKey({ ...plain, namespace: '' }), 'prod-hz-1//Pod/api-0/BackOff');
  assert.equal(parseIncidentKey('a/b/c'), undefined);
  for (const s of ['', '%', '%2F', '%25', '/%/', 'a%2Fb']) assert.equal(unescapeKeyPart(escapeKeyPart(s)), s);
});

function coreEvent(over: { uid?: string; count?: number; ns?: string; name?: string; reason?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: 'api-0.17a',
      namespace: over.ns ?? 'shop',
      uid: over.uid ?? 'e-1',
      resourceVersion: '7',
    },
    involvedObject: {
      kind: 'Pod',
      namespace: over.ns ?? 'shop',
      name: over.name ?? 'api-0',
      uid: 'p-1',
      apiVersion: 'v1',
    },
    reason: over.reason ?? 'BackOff',
    message: 'Back-off restarting failed container',
    type: 'Warning',
    count: over.count ?? 3,
    firstTimestamp: '2026-11-25T10:00:00Z',
    lastTimestamp: '2026-11-25T10:02:00Z',
    source: { component: 'kubelet', host: 'node-1' },
  };
}
function build(obj: unknown, ctx = CTX) {
  const r = fromCoreV1(obj, ctx);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.event;
}

test('built events: count bump → new occurrenceId, same incidentKey and partition key', () => {
  const a = build(coreEvent({ count: 3 }));
  const b = build(coreEvent({ count: 4 }));
  assert.notEqual(a.occurrenceId, b.occurrenceId);
  assert.equal(a.incidentKey, b.incidentKey);
  assert.equal(partitionKey(a), partitionKey(b));
  assert.equal(a.occurrenceId, occurrenceId(occurrenceOf(a)));
  assert.equal(a.incidentKey, incidentKey(incidentOf(a)));
  assert.equal(partitionKey(a), 'prod-hz-1/shop/p-1');
});

test('built events: another collector replica, observation time or resourceVersion → same ids', () => {
  const a = build(coreEvent());
  const other = { ...CTX, collector: { instance: 'collector-1', version: '0.2.0' }, observedAt: new Date(0) };
  const b = build({ ...coreEvent(), metadata: { ...coreEvent().metadata, resourceVersion: '99' } }, other);
  assert.equal(a.occurrenceId, b.occurrenceId);
  assert.equal(a.incidentKey, b.incidentKey);
  assert.equal(partitionKey(a), partitionKey(b));
});

test('built events: another cluster → different occurrenceId, incidentKey and partition key', () => {
  const a = build(coreEvent());
  const b = build(coreEvent(), { ...CTX, cluster: { id: 'prod-sh-2', name: '上海生产' } });
  assert.notEqual(a.occurrenceId, b.occurrenceId);
  assert.notEqual(a.incidentKey, b.incidentKey);
  assert.notEqual(partitionKey(a), partitionKey(b));
});

test('built events: another reason on the same object → another incident, same partition', () => {
  const a = build(coreEvent());
  const b = build(coreEvent({ uid: 'e-2', reason: 'Unhealthy' }));
  assert.notEqual(a.incidentKey, b.incidentKey);
  assert.equal(partitionKey(a), partitionKey(b));
});

test('series.count drives the occurrence when count is absent', () => {
  const { count: _count, ...noCount } = coreEvent();
  const a = build({ ...noCount, series: { count: 5, lastObservedTime: '2026-11-25T10:05:00.123456Z' } });
  const b = build({ ...noCount, series: { count: 6, lastObservedTime: '2026-11-25T10:06:00.123456Z' } });
  assert.equal(a.count, 5);
  assert.equal(a.occurrenceId, occurrenceId({ clusterId: 'prod-hz-1', eventUid: 'e-1', count: 5 }));
  assert.notEqual(a.occurrenceId, b.occurrenceId);
  assert.equal(a.lastSeen, '2026-11-25T10:05:00.123Z');
});
