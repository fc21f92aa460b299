import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeEvent,
  encodeEvent,
  MAX_MESSAGE_BYTES,
  normalize,
  partitionKey,
  type NormalizeResult,
} from '../src/index.js';
import { CTX, isWarningCode } from './support.js';

function base(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: 'web-1.1',
      namespace: 'shop',
      uid: 'e-1',
      resourceVersion: '1',
      creationTimestamp: '2026-11-25T09:59:00Z',
    },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'p-1', apiVersion: 'v1' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    type: 'Warning',
    count: 2,
    firstTimestamp: '2026-11-25T10:00:00Z',
    lastTimestamp: '2026-11-25T10:01:00Z',
    source: { component: 'kubelet', host: 'node-1' },
  };
}
function ok(result: NormalizeResult) {
  assert.ok(result.ok, result.ok ? '' : `${result.reason}: ${result.detail}`);
  for (const w of result.warnings) assert.ok(isWarningCode(w.split(':')[0]!), w);
  // Whatever was repaired, the record must survive the wire unchanged.
  assert.deepEqual(decodeEvent(encodeEvent(result.event)), { ok: true, event: result.event });
  return result;
}
function fails(result: NormalizeResult, reason: string) {
  assert.equal(result.ok, false);
  assert.equal(result.ok ? '' : result.reason, reason);
}

test('not an object: null, undefined, number, string, boolean, array → not_an_object', () => {
  for (const v of [null, undefined, 42, '{"kind":"Event"}', true, [], [base()]])
    fails(normalize(v, CTX), 'not_an_object');
});

test('objects that are not Events are refused with a stable reason', () => {
  fails(normalize({ ...base(), kind: 'Status' }, CTX), 'not_an_event');
  for (const kind of [null, '', undefined]) ok(normalize({ ...base(), kind }, CTX));
  fails(normalize({ ...base(), apiVersion: 'apps/v1' }, CTX), 'unsupported_api_version');
  fails(normalize({ ...base(), apiVersion: 7 }, CTX), 'unsupported_api_version');
  fails(
    normalize({ kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion: '12' } }, CTX),
    'missing_uid',
  );
  fails(normalize({ ...base(), metadata: 'e-1' }, CTX), 'missing_uid');
  fails(normalize({ ...base(), metadata: { uid: '' } }, CTX), 'missing_uid');
});

test('a bad context is reported as invalid_context, not thrown', () => {
  fails(normalize(base(), { ...CTX, observedAt: new Date('nope') }), 'invalid_context');
  fails(normalize(base(), { ...CTX, cluster: { id: '', name: 'x' } }), 'invalid_context');
  fails(normalize(base(), null as never), 'invalid_context');
});

test('arrays where objects belong: kept in extra, involved object gets a synthetic uid', () => {
  const r = ok(normalize({ ...base(), involvedObject: ['Pod', 'web-1'], source: [1] }, CTX));
  assert.deepEqual(r.event.extra?.['involvedObject'], ['Pod', 'web-1']);
  assert.deepEqual(r.event.extra?.['source'], [1]);
  assert.match(r.event.involvedObject.uid, /^synthetic-/);
  assert.ok(r.warnings.includes('wrong_type:involvedObject'));
});

test('numbers as strings are read with a warning; non-numbers stay in extra', () => {
  const a = ok(normalize({ ...base(), count: '17' }, CTX));
  assert.equal(a.event.count, 17);
  assert.ok(a.warnings.includes('coerced_to_number:count'));
  const b = ok(normalize({ ...base(), count: 'many' }, CTX));
  assert.equal(b.event.count, 1);
  assert.equal(b.event.extra?.['count'], 'many');
  for (const count of [0, -3, 2.5, null])
    assert.equal(ok(normalize({ ...base(), count }, CTX)).event.count, 1);
  const c = ok(normalize({ ...base(), metadata: { uid: 12345, resourceVersion: 9 } }, CTX));
  assert.equal(c.event.event.uid, '12345');
  assert.equal(c.event.event.resourceVersion, '9');
});

test('a 1 MB message is cut to 32 KiB with a marker, on a code-point boundary', () => {
  for (const unit of ['x', 'é', '中', '😀']) {
    const message = unit.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(unit)));
    const r = ok(normalize({ ...base(), message }, CTX));
    const bytes = Buffer.byteLength(r.event.message);
    assert.ok(bytes <= MAX_MESSAGE_BYTES && bytes > MAX_MESSAGE_BYTES - 64, `${unit}: ${bytes}`);
    assert.match(r.event.message, /…\[truncated, 10485\d\d bytes in total\]$/);
    assert.ok(!r.event.message.includes('\uFFFD'));
    assert.ok(r.event.message.startsWith(unit.repeat(100)));
    assert.ok(r.warnings.includes('truncated:message'));
    assert.ok(encodeEvent(r.event).length < 40 * 1024);
  }
});

test('invalid dates fall back (eventTime, creationTimestamp, observedAt) and stay in extra', () => {
  const r = ok(
    normalize({ ...base(), firstTimestamp: 'yesterday', lastTimestamp: '2021-02-30T00:00:00Z' }, CTX),
  );
  assert.equal(r.event.firstSeen, '2026-11-25T09:59:00.000Z');
  assert.equal(r.event.lastSeen, '2026-11-25T09:59:00.000Z');
  assert.deepEqual(r.warnings, ['invalid_time:firstTimestamp', 'invalid_time:lastTimestamp']);
  assert.equal(r.event.extra?.['firstTimestamp'], 'yesterday');
  const noTimes = {
    ...base(),
    firstTimestamp: 12,
    lastTimestamp: '2026-13-01T00:00:00Z',
    eventTime: '0001-01-01T00:00:00Z',
  };
  const s = ok(normalize({ ...noTimes, metadata: { uid: 'e-1' } }, CTX));
  assert.equal(s.event.firstSeen, CTX.observedAt.toISOString());
  assert.ok(s.warnings.includes('time_from_observed_at:firstSeen'));
  assert.ok(s.warnings.includes('zero_time:eventTime'));
  const t = ok(
    normalize(
      { ...base(), firstTimestamp: '2026-11-25T18:00:00+08:00', eventTime: '2026-11-25T10:00:00.123456Z' },
      CTX,
    ),
  );
  assert.equal(t.event.firstSeen, '2026-11-25T10:00:00.000Z');
  assert.equal(t.event.eventTime, '2026-11-25T10:00:00.123456Z');
});

test('lone surrogates and control characters become U+FFFD; tab and newline stay', () => {
  const r = ok(
    normalize(
      {
        ...base(),
        reason: 'Back\uD800Off',
        message: 'a\u0000b\u001b[31mred\u007f\u0085 \uDC00 ok\t\n😀',
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web\uDBFF', uid: 'p-1' },
        metadata: { uid: 'e-1', annotations: { 'k\uD800': 'v\u0007' } },
      },
      CTX,
    ),
  );
  assert.equal(r.event.reason, 'Back\uFFFDOff');
  assert.equal(r.event.message, 'a\uFFFDb\uFFFD[31mred\uFFFD\uFFFD \uFFFD ok\t\n😀');
  assert.equal(r.event.involvedObject.name, 'web\uFFFD');
  assert.deepEqual(r.event.extra, { metadata: { annotations: { 'k\uFFFD': 'v\uFFFD' } } });
  assert.ok(r.warnings.includes('sanitized:message'));
  assert.ok(Buffer.from(r.event.incidentKey, 'utf8').toString('utf8') === r.event.incidentKey);
});

test('type: missing is inferred from the reason, odd case fixed, unknown → Warning kept in extra', () => {
  const { type: _t, ...untyped } = base();
  assert.equal(ok(normalize({ ...untyped, reason: 'FailedMount' }, CTX)).event.type, 'Warning');
  const started = ok(normalize({ ...untyped, reason: 'Started' }, CTX));
  assert.equal(started.event.type, 'Normal');
  assert.ok(started.warnings.includes('type_missing_assumed_Normal:type'));
  assert.equal(ok(normalize({ ...base(), type: 'warning' }, CTX)).event.type, 'Warning');
  const odd = ok(normalize({ ...base(), type: 'Error' }, CTX));
  assert.equal(odd.event.type, 'Warning');
  assert.equal(odd.event.extra?.['type'], 'Error');
});

test('cluster-scoped objects have namespace "" and a well-formed partition key', () => {
  const node = { kind: 'Node', name: 'node-1', uid: 'node-1' };
  const r = ok(normalize({ ...base(), involvedObject: node, reason: 'NodeNotReady' }, CTX));
  assert.equal(r.event.involvedObject.namespace, '');
  assert.equal(partitionKey(r.event), 'prod-hz-1//node-1');
  assert.equal(r.event.incidentKey, 'prod-hz-1//Node/node-1/NodeNotReady');
});

test('hostile shapes in unknown fields: __proto__, deep nesting, huge strings, wide objects', () => {
  const depth = 10_000;
  const deep = '{"d":'.repeat(depth) + '"bottom"' + '}'.repeat(depth);
  const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
  const input = JSON.parse(
    JSON.stringify({
      ...base(),
      metadata: { uid: 'e-1', annotations: { big: 'y'.repeat(100_000) } },
      wide,
    }).replace(/}$/, `,"__proto__":{"polluted":true},"deep":${deep}}`),
  ) as Record<string, unknown>;
  const r = ok(normalize(input, CTX));
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.deepEqual(Object.getPrototypeOf(r.event.extra), Object.prototype);
  assert.deepEqual(r.event.extra?.['[__proto__]'], { polluted: true });
  assert.ok(r.warnings.includes('renamed_key:extra.__proto__'));
  const big = (r.event.extra?.['metadata'] as { annotations: { big: string } }).annotations.big;
  assert.ok(Buffer.byteLength(big) <= 8 * 1024);
  assert.equal(Object.keys(r.event.extra?.['wide'] as object).length, 1000);
  assert.ok(r.warnings.some((w) => w.startsWith('too_deep:extra.deep.d.d')));
  assert.ok(r.warnings.includes('too_many_entries:extra.wide'));
});

test('enrichment from the context is carried: labels, owners nearest first', () => {
  const owners = [
    { kind: 'ReplicaSet', name: 'web-7d9', uid: 'rs-1' },
    { kind: 'Deployment', name: 'web', uid: 'd-1' },
  ];
  const r = ok(normalize(base(), { ...CTX, labels: { app: 'web', team: 'shop' }, owners }));
  assert.deepEqual(r.event.owners, owners);
  assert.deepEqual(r.event.labels, { app: 'web', team: 'shop' });
});
