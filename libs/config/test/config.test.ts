import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  durationMs,
  loadConfigFile,
  parseConfig,
  readConfigYaml,
  parseDuration,
  regex,
} from '@kube-herald/config';

const schema = z.object({
  wait: durationMs,
  pattern: regex,
  brokers: z.array(z.string()).min(1),
  name: z.string(),
});

test('parseDuration understands units and combinations', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('10 parsecs'), undefined);
  assert.equal(parseDuration(''), undefined);
});

test('every problem is listed with its path', () => {
  assert.throws(
    () => parseConfig(schema, { wait: 'soon', pattern: '([', brokers: [], name: 3 }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const paths = err.problems.map((p) => p.path).sort();
      assert.deepEqual(paths, ['brokers', 'name', 'pattern', 'wait']);
      assert.match(err.message, /pattern: invalid regular expression/);
      return true;
    },
  );
});

test('env expansion, defaults and frozen result', () => {
  const cfg = parseConfig(
    schema,
    { wait: '${WAIT:-2s}', pattern: '^prod-', brokers: ['${BROKER}'], name: 'x' },
    { BROKER: '127.0.0.1:9092' },
  );
  assert.equal(cfg.wait, 2000);
  assert.deepEqual(cfg.brokers, ['127.0.0.1:9092']);
  assert.ok(cfg.pattern.test('prod-hz'));
  assert.ok(Object.isFrozen(cfg));
  assert.throws(
    () => parseConfig(schema, { wait: '1s', pattern: 'a', brokers: ['${MISSING}'], name: 'x' }, {}),
    /MISSING is not set/,
  );
});

test('loadConfigFile reports unreadable files and YAML syntax errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-config-'));
  assert.throws(() => loadConfigFile(schema, join(dir, 'nope.yaml')), /cannot read config file \(ENOENT\)/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'wait: [1,\n');
  assert.throws(() => loadConfigFile(schema, bad), /YAML/);
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'wait: 1m\npattern: "BackOff|OOM"\nbrokers: [a:1]\nname: n\n');
  assert.equal(loadConfigFile(schema, good).wait, 60_000);
});

test('readConfigYaml returns the unvalidated document; its errors are ConfigErrors naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-config-'));
  const missing = join(dir, 'nope.yaml');
  assert.throws(
    () => readConfigYaml(missing),
    (err) => err instanceof ConfigError && err.problems[0]?.path === missing,
  );
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'a: [1,\n');
  assert.throws(
    () => readConfigYaml(bad),
    (err) => err instanceof ConfigError && err.problems[0]?.path === bad && /YAML/.test(err.message),
  );
  const doc = join(dir, 'doc.yaml');
  writeFileSync(doc, 'a: ${NOT_EXPANDED}\nb: [1, 2]\n');
  assert.deepEqual(readConfigYaml(doc), { a: '${NOT_EXPANDED}', b: [1, 2] });
});
