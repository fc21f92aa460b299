// The publisher remembers the partition of a key: same answer as the Java client's murmur2 partitioner,
// for a key's first message and for every later one, and per partition count.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, Partitioners, type PartitionMetadata } from 'kafkajs';
import { kafkaBrokers, testLogger, uniqueName, waitFor } from '@kube-herald/testing';
import { createKafkaAdmin, createKafkaPublisher, type BusAdmin } from '../src/index.js';

const log = testLogger('kafka-partitioner');

function murmur2Partition(key: string, partitions: number): number {
  const partitionMetadata = Array.from(
    { length: partitions },
    (_, partitionId) => ({ partitionId, leader: 1 }) as PartitionMetadata,
  );
  return Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: { key, value: null } });
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
