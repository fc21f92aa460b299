// The publisher's partition memo: bounded, and forgetting changes no answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { createPartitionChooser } from '../src/direct-sender.js';

const metadata = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 1 }) as PartitionMetadata);

function murmur2(key: string, partitions: number): number {
  return Partitioners.DefaultPartitioner()({
    topic: 't',
    partitionMetadata: metadata(partitions),
    message: { key, value: null },
  });
}

describe('partition chooser memo', () => {
  it('holds at most its limit of keys, and every answer stays the murmur2 partition', () => {
    const choose = createPartitionChooser(100);
    const six = metadata(6);
    let most = 0;
    for (let i = 0; i < 1_000; i++) {
      const key = `ns-${i % 10}/pod-${i}`;
      assert.equal(choose('t', six, { key, value: null }), murmur2(key, 6), key);
      most = Math.max(most, choose.remembered());
    }
    assert.equal(most, 100);
    assert.ok(choose.remembered() <= 100);
    // Forgotten keys get the same answer again.
    for (let i = 0; i < 1_000; i += 37) {
      const key = `ns-${i % 10}/pod-${i}`;
      assert.equal(choose('t', six, { key, value: null }), murmur2(key, 6), key);
    }
  });

  it('remembers per partition count, and the default limit is 50,000 keys', () => {
    const choose = createPartitionChooser();
    choose('t', metadata(3), { key: 'a', value: null });
    choose('t', metadata(7), { key: 'a', value: null });
    assert.equal(choose.remembered(), 2);
    assert.equal(choose('t', metadata(7), { key: 'a', value: null }), murmur2('a', 7));
    for (let i = 0; i < 50_010; i++) choose('t', metadata(3), { key: `k${i}`, value: null });
    assert.ok(choose.remembered() <= 50_000, `${choose.remembered()} remembered`);
  });

  it('keyless messages are not remembered', () => {
    const choose = createPartitionChooser(10);
    for (let i = 0; i < 20; i++) choose('t', metadata(3), { value: `v${i}` });
    assert.equal(choose.remembered(), 0);
  });
});
