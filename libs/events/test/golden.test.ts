import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { eventV1Schema, normalize, partitionKey, type EventV1 } from '../src/index.js';
import { CTX, FIXTURES_DIR, fixtureNames, goldenText, GOLDENS_DIR, lostLeaves } from './support.js';

const names = fixtureNames();

test('every fixture has a golden and every golden a fixture', () => {
  assert.equal(names.length, 14);
  const goldens = readdirSync(GOLDENS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  assert.deepEqual(
    goldens,
    names.map((n) => `${n}.json`),
  );
});

for (const name of names) {
  test(`golden ${name}: output equals the reviewed golden exactly, no field lost`, () => {
    const expected = readFileSync(`${GOLDENS_DIR}${name}.json`, 'utf8');
    assert.equal(goldenText(name), expected);
    const input: unknown = JSON.parse(readFileSync(`${FIXTURES_DIR}${name}.json`, 'utf8'));
    const result = normalize(input, CTX);
    assert.ok(result.ok);
    // The builder does not re-parse its output (valid by construction): checked here and in real-events.
    assert.deepEqual(eventV1Schema.parse(result.event), result.event);
    assert.deepEqual(lostLeaves(input, result.event, result.warnings), []);
  });
}

function event(name: string): EventV1 {
  const r = JSON.parse(readFileSync(`${GOLDENS_DIR}${name}.json`, 'utf8')) as { event: EventV1 };
  return r.event;
}

test('the Scheduled → Pulled → Started sequence: one partition, three incidents, three occurrences', () => {
  const seq = ['core-normal-scheduled', 'core-normal-pulled', 'core-normal-started'].map(event);
  assert.equal(new Set(seq.map(partitionKey)).size, 1);
  assert.equal(new Set(seq.map((e) => e.incidentKey)).size, 3);
  assert.equal(new Set(seq.map((e) => e.occurrenceId)).size, 3);
  assert.deepEqual(
    seq.map((e) => e.firstSeen),
    ['2026-11-25T10:01:12.081Z', '2026-11-25T10:01:14.000Z', '2026-11-25T10:01:15.000Z'],
  );
});

test('image pull trouble: ErrImagePull and ImagePullBackOff share the object, not the incident', () => {
  const pull = event('core-err-image-pull');
  const backoff = event('core-image-pull-backoff');
  assert.equal(partitionKey(pull), partitionKey(backoff));
  assert.notEqual(pull.incidentKey, backoff.incidentKey);
  assert.equal(backoff.type, 'Normal');
});
