import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '@kube-herald/testing';
import { createIdTable, parseHexId } from '../src/id-table.js';

const words = (a: number, b = 0, c = 0, d = 0): Uint32Array => Uint32Array.of(a, b, c, d);

describe('id table (off-heap LRU set of 128-bit ids)', () => {
  it('behaves like a least-recently-used set in long random runs, with evictions and probe wrap-around', () => {
    // [capacity, ids to draw from, seed, ids allocated at first (growth by doubling, through evictions too)]
    for (const [capacity, universe, seed, initial] of [
      [1, 3, 1, 1],
      [7, 20, 2, 4096],
      [50, 120, 3, 4096],
      [300, 1000, 4, 4096],
      [7, 20, 5, 1],
      [50, 120, 6, 3],
      [300, 1000, 7, 2],
    ] as const) {
      const rand = prng(seed);
      const table = createIdTable(capacity, initial);
      // The model: a Map in recency order (first = least recent).
      const model = new Map<string, true>();
      // Ids sharing three of four words, so only the mixing of every word spreads them.
      const idOf = (n: number): Uint32Array => words(0xaaaaaaaa, 0xaaaaaaaa, n % 7, n);
      for (let step = 0; step < 20_000; step++) {
        const n = Math.floor(rand() * universe);
        const key = String(n);
        if (rand() < 0.5) {
          const expected = model.has(key);
          if (expected) {
            model.delete(key);
            model.set(key, true);
          }
          assert.equal(table.has(idOf(n)), expected, `capacity ${capacity}, step ${step}: has(${n})`);
        } else {
          model.delete(key);
          model.set(key, true);
          if (model.size > capacity) model.delete(model.keys().next().value as string);
          table.add(idOf(n));
        }
        assert.equal(table.size, model.size, `capacity ${capacity}, step ${step}: size`);
      }
      for (let n = 0; n < universe; n++) {
        assert.equal(table.has(idOf(n)), model.has(String(n)), `capacity ${capacity}: final has(${n})`);
      }
    }
  });

  it('adding a present id refreshes it instead of storing it twice', () => {
    const table = createIdTable(2);
    table.add(words(1));
    table.add(words(2));
    table.add(words(1)); // 2 is now the least recent
    table.add(words(3)); // evicts 2
    assert.equal(table.size, 2);
    assert.deepEqual(
      [1, 2, 3].map((n) => table.has(words(n))),
      [true, false, true],
    );
  });

  it('allocates for a few thousand ids at first and grows with what it holds, up to its capacity', () => {
    const table = createIdTable(200_000);
    const atFirst = table.bytes;
    assert.ok(atFirst <= 128 * 1024, `${atFirst} bytes for an empty table of 200,000`);
    for (let n = 0; n < 10_000; n++) table.add(words(n, n * 7, 3, 9));
    assert.ok(table.bytes <= 1024 * 1024, `${table.bytes} bytes for 10,000 ids`);
    for (let n = 10_000; n < 250_000; n++) table.add(words(n, n * 7, 3, 9));
    assert.equal(table.size, 200_000);
    // 16 + 4 + 4 bytes an id, and an index of 2^19 entries (the next power of two ≥ 2 × 200,000)
    assert.equal(table.bytes, 200_000 * 24 + 2 ** 19 * 4);
    assert.equal(table.has(words(49_999, 49_999 * 7, 3, 9)), false, 'the least recent were forgotten');
    assert.equal(table.has(words(50_000, 50_000 * 7, 3, 9)), true);
    assert.equal(table.has(words(249_999, 249_999 * 7, 3, 9)), true);
  });

  it('refuses a capacity below 1', () => {
    assert.throws(() => createIdTable(0), RangeError);
  });

  it('reads 32 lowercase hex characters into four 32-bit words, and nothing else', () => {
    const out = new Uint32Array(4);
    assert.equal(parseHexId('0123456789abcdef00000000ffffffff', out), true);
    assert.deepEqual([...out], [0x01234567, 0x89abcdef, 0, 0xffffffff]);
    for (const bad of [
      '0123456789ABCDEF00000000ffffffff',
      '0123456789abcdef00000000fffffff',
      '0123456789abcdef00000000ffffffff0',
      '0123456789abcdeg00000000ffffffff',
      '0123456789abcdef00000000fffffff\u0660',
      '',
    ]) {
      assert.equal(parseHexId(bad, out), false, bad);
    }
  });
});
