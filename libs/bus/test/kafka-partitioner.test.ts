// The publisher remembers the partition of a key: same answer as the Java client's murmur2 partitioner,
// for a key's first message and for every later one, and per partition count; the memo is bounded, and
// forgetting changes no answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, Partitioners, type PartitionMetadata } from 'kafkajs';
import { kafkaBrokers, testLogger, uniqueName, waitFor } from '@kube-herald/testing';
import { createPartitionChooser } from '../src/direct-sender.js';
import { createKafkaAdmin, createKafkaPublisher, type BusAdmin } from '../src/index.js';

const log = testLogger('kafka-partitioner');

const partitionMetadata = (partitions: number): PartitionMetadata[] =>
  Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1 }) as PartitionMetadata);

function murmur2Partition(key: string, partitions: number): number {
  return Partitioners.DefaultPartitioner()({
    topic: 't',
    partitionMetadata: partitionMetadata(partitions),
    message: { key, value: null },
  });
}

describe('kafka publisher partitioning', () => {
  const brokers = kafkaBrokers();
  const kafka = new Kafka({ brokers, clientId: uniqueName('part'), logLevel: logLevel.ERROR });
  let admin: BusAdmin;
  before(() => {
    admin = createKafkaAdmin({ brokers, clientId: uniqueName('admin'), log });
  });
  after(() => admin.close());

  it('every message of a key lands on the murmur2 partition, for 3 and for 7 partitions', async () => {
    const publisher = createKafkaPublisher({ brokers, clientId: uniqueName('pub'), log });
    await publisher.start();
    try {
      for (const partitions of [3, 7]) {
        const topic = uniqueName(`partitioner-${partitions}`);
        await admin.ensureTopics([{ topic, partitions, replicationFactor: 1 }]);
        const keys = Array.from({ length: 40 }, (_, i) => `cluster/ns-${i % 4}/uid-${i}`);
        // Three rounds in separate sends: the first computes a key's partition, the later ones remember it.
        for (let round = 0; round < 3; round++) {
          await publisher.publish(
            topic,
            keys.map((key) => ({ key, value: `${round}` })),
          );
        }
        const got: Array<{ key: string; partition: number }> = [];
        const consumer = kafka.consumer({ groupId: uniqueName('part-group'), maxWaitTimeInMs: 200 });
        await consumer.connect();
        try {
          await consumer.subscribe({ topic, fromBeginning: true });
          await consumer.run({
            eachMessage: ({ partition, message }) => {
              got.push({ key: message.key?.toString() ?? '', partition });
              return Promise.resolve();
            },
          });
          await waitFor(() => got.length >= keys.length * 3, { timeoutMs: 30_000, what: 'all records' });
        } finally {
          await consumer.disconnect();
        }
        assert.equal(got.length, keys.length * 3);
        for (const { key, partition } of got) {
          assert.equal(partition, murmur2Partition(key, partitions), `${key} on ${partitions} partitions`);
        }
        assert.ok(new Set(got.map((g) => g.partition)).size > 1, 'keys spread over partitions');
      }
    } finally {
      await publisher.close();
    }
  });
});

describe('partition chooser memo', () => {
  it('holds at most its limit of keys, and every answer stays the murmur2 partition', () => {
    const choose = createPartitionChooser(100);
    const six = partitionMetadata(6);
    let most = 0;
    for (let i = 0; i < 1_000; i++) {
      const key = `ns-${i % 10}/pod-${i}`;
      assert.equal(choose('t', six, { key, value: null }), murmur2Partition(key, 6), key);
      most = Math.max(most, choose.remembered());
    }
    assert.equal(most, 100);
    assert.ok(choose.remembered() <= 100);
    // Forgotten keys get the same answer again.
    for (let i = 0; i < 1_000; i += 37) {
      const key = `ns-${i % 10}/pod-${i}`;
      assert.equal(choose('t', six, { key, value: null }), murmur2Partition(key, 6), key);
    }
  });

  it('remembers per partition count, and the default limit is 50,000 keys', () => {
    const choose = createPartitionChooser();
    choose('t', partitionMetadata(3), { key: 'a', value: null });
    choose('t', partitionMetadata(7), { key: 'a', value: null });
    assert.equal(choose.remembered(), 2);
    assert.equal(choose('t', partitionMetadata(7), { key: 'a', value: null }), murmur2Partition('a', 7));
    for (let i = 0; i < 50_010; i++) choose('t', partitionMetadata(3), { key: `k${i}`, value: null });
    assert.ok(choose.remembered() <= 50_000, `${choose.remembered()} remembered`);
  });

  it('keyless messages are not remembered', () => {
    const choose = createPartitionChooser(10);
    for (let i = 0; i < 20; i++) choose('t', partitionMetadata(3), { value: `v${i}` });
    assert.equal(choose.remembered(), 0);
  });
});
