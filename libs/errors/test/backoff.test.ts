import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../src/index.js';

test('backoffDelay doubles from base to the cap; jitter takes off at most its share', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 10, 100].map((a) => backoffDelay(a, 200, 5_000, 0)),
    [200, 400, 800, 1_600, 5_000, 5_000],
  );
  for (let i = 0; i < 1_000; i++) {
    const d = backoffDelay(3, 200, 5_000);
    assert.ok(d >= 800 && d <= 1_600, `${d} within [800, 1600]`);
  }
  const spread = new Set(Array.from({ length: 100 }, () => backoffDelay(4, 1_000, 30_000, 0.4)));
  assert.ok(spread.size > 10, 'jittered delays differ');
  assert.ok([...spread].every((d) => d >= 9_600 && d <= 16_000));
});
