import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent, encodeEvent, normalize } from '../src/index.js';
import { CTX, isWarningCode, LOCAL_CORPUS, loadCorpus, rng } from './support.js';

const HOSTILE: readonly unknown[] = [
  null,
  '',
  'null',
  0,
  -1,
  1.5,
  1e308,
  true,
  [],
  {},
  [1, 'a'],
  { x: { y: 1 } },
  '\uD800',
  'a\u0000b',
  'x'.repeat(70_000),
  '2021-02-30T00:00:00Z',
  '0001-01-01T00:00:00Z',
  'Warning',
];

// Replaces the value at a random path (any depth, objects only) with a hostile value, or deletes it.
function mutate(node: Record<string, unknown>, next: () => number): void {
  const keys = Object.keys(node);
  if (keys.length === 0) return;
  const key = keys[Math.floor(next() * keys.length)]!;
  const child = node[key];
  if (typeof child === 'object' && child !== null && !Array.isArray(child) && next() < 0.5) {
    mutate(child as Record<string, unknown>, next);
  } else if (next() < 0.15) {
    delete node[key];
  } else {
    node[key] = HOSTILE[Math.floor(next() * HOSTILE.length)];
  }
}

test('mutated real events never make normalize throw; every success is valid and survives the wire', () => {
  let ok = 0;
  const reasons: Record<string, number> = {};
  for (const file of loadCorpus(LOCAL_CORPUS)) {
    for (let seed = 1; seed <= 25; seed++) {
      const next = rng(seed);
      const obj = JSON.parse(file.text) as Record<string, unknown>;
      for (let i = 1 + Math.floor(next() * 4); i > 0; i--) mutate(obj, next);
      const where = `${file.name} seed ${seed}`;
      const result = normalize(obj, CTX);
      if (!result.ok) {
        assert.ok(['not_an_event', 'unsupported_api_version', 'missing_uid'].includes(result.reason), where);
        reasons[result.reason] = (reasons[result.reason] ?? 0) + 1;
        continue;
      }
      ok++;
      assert.deepEqual(decodeEvent(encodeEvent(result.event)), { ok: true, event: result.event }, where);
      assert.ok(encodeEvent(result.event).length < 256 * 1024, where);
      for (const w of result.warnings) assert.ok(isWarningCode(w.split(':')[0]!), `${where}: ${w}`);
    }
  }
  // Both outcomes must actually occur, or the mutations are too timid (or too destructive) to prove much.
  assert.ok(ok > 1200 && Object.keys(reasons).length === 3, `ok ${ok}, refused ${JSON.stringify(reasons)}`);
});
