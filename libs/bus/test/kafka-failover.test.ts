// The bus on the 3-broker cluster: a broker killed with -9 loses nothing that was acknowledged.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  killClusterBroker,
  startClusterBroker,
  startKafkaCluster,
  testLogger,
  uniqueName,
  waitFor,
} from '@kube-herald/testing';
import {
  createKafkaAdmin,
  createKafkaPublisher,
  createKafkaSubscriber,
  type BusRecord,
  type Publisher,
  type Subscriber,
} from '../src/index.js';

const log = testLogger('kafka-failover');

describe('Kafka bus on a 3-broker cluster', { timeout: 240_000 }, () => {
  let brokers: string[];
  let publisher: Publisher | undefined;
  let subscriber: Subscriber | undefined;

  before(async () => {
    brokers = await startKafkaCluster();
  });
  // The cluster stays up, like the single broker: another test run may be using it right now.
  after(async () => {
    await subscriber?.close();
    await publisher?.close();
  });

  it('keeps publishing and consuming through a kill -9 of one broker (RF 3, min ISR 2)', async () => {
    const topic = uniqueName('failover');
    const admin = createKafkaAdmin({ brokers, clientId: uniqueName('admin'), log });
    try {
      await admin.ensureTopics([{ topic, partitions: 3 }]);
    } finally {
      await admin.close();
    }
    publisher = createKafkaPublisher({ brokers, clientId: uniqueName('pub'), log, retries: 10 });
    await publisher.start();
    const got: BusRecord[] = [];
    subscriber = createKafkaSubscriber({
      brokers,
      clientId: uniqueName('sub'),
      log,
      groupId: uniqueName('g'),
      topics: [topic],
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
    });
    await subscriber.start((records) => {
      got.push(...records);
      return Promise.resolve();
    });
    const batch = (from: number) =>
      Array.from({ length: 30 }, (_, i) => ({ key: `k${(from + i) % 5}`, value: String(from + i) }));
    await publisher.publish(topic, batch(0));
    await waitFor(() => got.length >= 30, { timeoutMs: 60_000, what: 'the first 30 records' });

    await killClusterBroker(1);
    await publisher.publish(topic, batch(30));
    await publisher.publish(topic, batch(60));
    await waitFor(() => new Set(got.map((r) => r.value!.toString())).size >= 90, {
      timeoutMs: 120_000,
      what: 'all 90 records after the kill',
    });
    await startClusterBroker(1);

    const values = new Set(got.map((r) => Number(r.value!.toString())));
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      Array.from({ length: 90 }, (_, i) => i),
    );
    for (let k = 0; k < 5; k += 1) {
      // At-least-once may repeat a tail after a coordinator move, but never reorders what it delivers first.
      const firsts: number[] = [];
      for (const r of got.filter((x) => x.key === `k${k}`)) {
        const v = Number(r.value!.toString());
        if (!firsts.includes(v)) firsts.push(v);
      }
      assert.deepEqual(
        firsts,
        [...firsts].sort((a, b) => a - b),
        `order of k${k}`,
      );
    }
  });
});
