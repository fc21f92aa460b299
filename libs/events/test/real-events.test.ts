import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { eventV1Schema, normalize, partitionKey } from '../src/index.js';
import {
  CTX,
  isWarningCode,
  LOCAL_CORPUS,
  SHARED_CORPUS,
  loadCorpus,
  lostLeaves,
  sharedCorpusPresent,
} from './support.js';

const corpus = loadCorpus(LOCAL_CORPUS);

test('the in-repo corpus holds the 92 real events with their provenance files', () => {
  assert.equal(corpus.length, 92);
  assert.equal(corpus.filter((f) => f.name.startsWith('core-v1/')).length, 81);
  const top = readdirSync(LOCAL_CORPUS);
  assert.ok(top.includes('SOURCES.md') && top.includes('README.md'));
  // On the team's machines the shared corpus sits next to the checkout: the copy must not drift.
  // On a clean clone (CI) the in-repo copy is the corpus and the count check above is what holds.
  if (sharedCorpusPresent()) assert.deepEqual(loadCorpus(SHARED_CORPUS), corpus);
});

for (const file of corpus) {
  test(`real event ${file.name}: normalizes, validates, loses no field`, () => {
    const input: unknown = JSON.parse(file.text);
    const result = normalize(input, CTX);
    assert.ok(result.ok, result.ok ? '' : `${result.reason}: ${result.detail}`);
    const { event, warnings } = result;
    assert.deepEqual(eventV1Schema.parse(event), event);
    assert.deepEqual(lostLeaves(input, event, warnings), []);
    for (const w of warnings) assert.ok(isWarningCode(w.split(':')[0]!), w);
    assert.ok(event.firstSeen <= event.lastSeen, `${event.firstSeen} <= ${event.lastSeen}`);
    assert.ok(partitionKey(event).startsWith('prod-hz-1/'));
    // Normalizing is a pure function of (object, context): a second run is identical.
    assert.deepEqual(normalize(JSON.parse(file.text), CTX), result);
  });
}

test('the loss check itself notices a dropped field', () => {
  const file = corpus.find((f) => f.name.startsWith('core-v1/001-'))!;
  const input: unknown = JSON.parse(file.text);
  const result = normalize(input, CTX);
  assert.ok(result.ok);
  const { extra: _extra, ...withoutExtra } = result.event;
  const lost = lostLeaves(input, withoutExtra, result.warnings).map((l) => l.path.join('.'));
  assert.deepEqual(lost, ['metadata.deletionTimestamp']);
  const mangled = { ...result.event, message: 'something else' };
  assert.deepEqual(
    lostLeaves(input, mangled, result.warnings).map((l) => l.path.join('.')),
    ['message'],
  );
});

test('odd real objects keep their oddities where a reader can find them', () => {
  const byPrefix = (p: string) => {
    const file = corpus.find((f) => f.name.startsWith(p))!;
    const r = normalize(JSON.parse(file.text), CTX);
    assert.ok(r.ok, p);
    return r;
  };
  const noType = byPrefix('core-v1/001-');
  assert.equal(noType.event.type, 'Normal');
  assert.ok(noType.warnings.includes('type_missing_assumed_Normal:type'));
  assert.equal(noType.event.involvedObject.namespace, '');
  assert.deepEqual(noType.event.extra, { metadata: { deletionTimestamp: '2015-12-03T07:39:03Z' } });
  const annotated = byPrefix('core-v1/048-');
  assert.equal(
    (annotated.event.extra?.['metadata'] as Record<string, Record<string, string>>).annotations![
      'topLevelSpan'
    ],
    'true',
  );
  const series = byPrefix('core-v1/062-');
  assert.equal(series.event.count, 5);
  assert.deepEqual(series.event.series, { count: 5, lastObservedTime: '2021-09-13T15:05:13.564719Z' });
  assert.equal(series.event.eventTime, '2021-09-13T15:04:37.541849Z');
  const noUid = byPrefix('core-v1/050-');
  assert.match(noUid.event.involvedObject.uid, /^synthetic-[0-9a-f]{32}$/);
  const legacyV1 = byPrefix('events-v1/002-');
  assert.equal(legacyV1.event.count, 34075);
  assert.deepEqual(legacyV1.event.source, { component: 'kubelet', host: 'node2' });
  assert.ok(legacyV1.warnings.includes('null_string:eventTime'));
  const beta = byPrefix('events-v1/011-');
  assert.equal(beta.event.event.apiVersion, 'events.k8s.io/v1beta1');
  assert.equal(beta.event.message, 'MountVolume.SetUp succeeded for volume "default-token-fxknh" ');
});
