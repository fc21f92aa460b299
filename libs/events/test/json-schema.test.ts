import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { decodeEvent, eventV1JsonSchemaText, normalize } from '../src/index.js';
import { CTX, LOCAL_CORPUS, loadCorpus } from './support.js';

const COMMITTED = new URL('../schema/event-v1.schema.json', import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

test('the committed JSON Schema equals freshly generated output (regenerate with scripts/gen-schema.ts)', () => {
  assert.equal(readFileSync(COMMITTED, 'utf8'), eventV1JsonSchemaText());
});

test('every normalized real event validates against the committed JSON Schema', () => {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  const validate = ajv.compile(JSON.parse(readFileSync(COMMITTED, 'utf8')) as object);
  const corpus = loadCorpus(LOCAL_CORPUS);
  assert.equal(corpus.length, 92);
  for (const file of corpus) {
    const result = normalize(JSON.parse(file.text), CTX);
    assert.ok(result.ok, file.name);
    assert.ok(
      validate(JSON.parse(JSON.stringify(result.event))),
      `${file.name}: ${ajv.errorsText(validate.errors)}`,
    );
  }
});

test('the JSON Schema agrees with decodeEvent: wrong type/missing field/bad time rejected, unknown field allowed', () => {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  const validate = ajv.compile(JSON.parse(readFileSync(COMMITTED, 'utf8')) as object);
  const first = loadCorpus(LOCAL_CORPUS)[0]!;
  const result = normalize(JSON.parse(first.text), CTX);
  assert.ok(result.ok);
  const good = JSON.parse(JSON.stringify(result.event));
  assert.equal(validate({ ...good, type: 'Error' }), false);
  const { reason: _reason, ...missing } = good;
  assert.equal(validate(missing), false);
  assert.equal(validate({ ...good, firstSeen: 'yesterday' }), false);
  assert.equal(validate({ ...good, surprise: 1 }), true);
  assert.equal(decodeEvent(JSON.stringify({ ...good, type: 'Error' })).ok, false);
  assert.equal(decodeEvent(JSON.stringify(missing)).ok, false);
  assert.equal(decodeEvent(JSON.stringify({ ...good, firstSeen: 'yesterday' })).ok, false);
  assert.equal(decodeEvent(JSON.stringify({ ...good, surprise: 1 })).ok, true);
});
