import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeEvent,
  EVENT_HEADERS,
  EVENT_SCHEMA_V1,
  encodeEvent,
  normalize,
  type EventV1,
} from '../src/index.js';
import { CTX, LOCAL_CORPUS, loadCorpus } from './support.js';

const events: EventV1[] = loadCorpus(LOCAL_CORPUS).map((f) => {
  const r = normalize(JSON.parse(f.text), CTX);
  assert.ok(r.ok, f.name);
  return r.event;
});
const sample = events[0]!;

test('EVENT_HEADERS carries the schema header', () => {
  assert.deepEqual(EVENT_HEADERS, { schema: 'kube-herald.event/v1' });
  assert.equal(EVENT_HEADERS.schema, EVENT_SCHEMA_V1);
  assert.ok(Object.isFrozen(EVENT_HEADERS));
});

test('encode → decode is the identity for every real event; the value is UTF-8 JSON', () => {
  for (const event of events) {
    const buf = encodeEvent(event);
    assert.deepEqual(JSON.parse(buf.toString('utf8')), event);
    assert.deepEqual(decodeEvent(buf), { ok: true, event });
    assert.deepEqual(decodeEvent(buf.toString('utf8')), { ok: true, event });
  }
});

test('invalid_json: garbage, empty, truncated record, invalid UTF-8', () => {
  const whole = encodeEvent(sample);
  for (const bad of [
    Buffer.from('not json'),
    Buffer.alloc(0),
    whole.subarray(0, whole.length - 1),
    Buffer.from([0x7b, 0xff, 0x7d]),
  ]) {
    const r = decodeEvent(bad);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.reason, 'invalid_json');
  }
});

test('unknown_schema_version: a newer producer is told apart from garbage', () => {
  const r = decodeEvent(JSON.stringify({ ...sample, schema: 'kube-herald.event/v2' }));
  assert.deepEqual(r, {
    ok: false,
    reason: 'unknown_schema_version',
    detail: 'schema is "kube-herald.event/v2", expected kube-herald.event/v1',
  });
});

test('schema_mismatch lists the issues as path: message', () => {
  const r = decodeEvent(
    JSON.stringify({ ...sample, count: -1, involvedObject: { ...sample.involvedObject, uid: 7 } }),
  );
  assert.equal(r.ok, false);
  assert.equal(r.ok ? '' : r.reason, 'schema_mismatch');
  const detail = r.ok ? '' : r.detail;
  assert.match(detail, /^count: .+; involvedObject\.uid: .+$/);
  for (const value of ['[]', '42', 'null', '"text"', '{}']) {
    const v = decodeEvent(value);
    assert.equal(v.ok ? '' : v.reason, 'schema_mismatch', value);
  }
  assert.match((decodeEvent('{}') as { detail: string }).detail, /^schema: /);
});

test('the schema header is checked when headers are given', () => {
  const buf = encodeEvent(sample);
  assert.deepEqual(decodeEvent(buf, { schema: Buffer.from(EVENT_HEADERS.schema) }), {
    ok: true,
    event: sample,
  });
  assert.deepEqual(decodeEvent(buf, {}), { ok: true, event: sample });
  const r = decodeEvent(buf, { schema: 'kube-herald.event/v2' });
  assert.equal(r.ok ? '' : r.reason, 'unknown_schema_version');
});
