import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSeenSet } from '../src/index.js';

const id = (n: number): string => n.toString(16).padStart(32, 'a');

describe('seen set', () => {
  it('tells occurrenceIds apart down to the last hex digit and remembers them', () => {
    const seen = createSeenSet(10);
    seen.add(id(0x10));
    assert.equal(seen.has(id(0x10)), true);
    assert.equal(seen.has(id(0x11)), false);
    assert.equal(seen.has(`b${id(0x10).slice(1)}`), false);
  });

  it('forgets the least recently seen first; a hit refreshes', () => {
    const seen = createSeenSet(3);
    for (const n of [1, 2, 3]) seen.add(id(n));
    assert.equal(seen.has(id(1)), true); // 1 is now the most recent
    seen.add(id(4)); // evicts 2
    assert.equal(seen.has(id(2)), false);
    assert.deepEqual(
      [1, 3, 4].map((n) => seen.has(id(n))),
      [true, true, true],
    );
    assert.equal(seen.size, 3);
  });

  it('keeps other keys as they are, never meeting a compacted id', () => {
    const seen = createSeenSet(10);
    const hex = id(0x41);
    const compacted = Buffer.from(hex, 'hex').toString('latin1');
    seen.add(compacted); // a 16-character key equal to the compact form of `hex`
    assert.equal(seen.has(hex), false);
    seen.add(hex.toUpperCase());
    assert.equal(seen.has(hex), false);
    assert.equal(seen.has(hex.toUpperCase()), true);
    assert.equal(seen.has(compacted), true);
  });
});
