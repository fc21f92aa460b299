// A fetched batch reaches the handler in slices of at most maxBatchRecords (bounded work per call).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaBrokers, testLogger, uniqueName } from '@kube-herald/testing';
import { createKafkaAdmin, createKafkaPublisher } from '../src/index.js';
import { fromBeginning } from './fixtures/from-beginning.js';

const log = testLogger('bus-slices');

test('subscriber: a fetched batch is handed in slices of at most maxBatchRecords, every record once', async () => {
  const brokers = kafkaBrokers();
  const topic = uniqueName('kh-slices');
  const admin = createKafkaAdmin({ brokers, clientId: 'kh-test-admin', log });
  await admin.ensureTopics([{ topic, partitions: 1 }]);
  const publisher = createKafkaPublisher({ brokers, clientId: 'kh-test-pub', log });
  await publisher.start();
  const groupId = uniqueName('kh-slices-group');
  const sub = fromBeginning(topic, {
    brokers,
    clientId: uniqueName('kh-slices-sub'),
    log,
    groupId,
    maxWaitTimeMs: 200,
    maxBatchRecords: 100,
  });
  try {
    await publisher.publish(
      topic,
      Array.from({ length: 2000 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) })),
    );
    const seen: number[] = [];
    let largest = 0;
    let done: () => void = () => undefined;
    const all = new Promise<void>((r) => (done = r));
    await sub.start(async (records) => {
      largest = Math.max(largest, records.length);
      for (const r of records) seen.push(Number(r.value?.toString()));
      if (seen.length >= 2000) done();
      await Promise.resolve();
    });
    await all;
    assert.ok(largest <= 100, `largest slice ${largest}`);
    assert.ok(largest > 1, 'records are still handed in batches');
    assert.deepEqual(
      seen,
      Array.from({ length: 2000 }, (_, i) => i),
      'in order, each once',
    );
    // every slice's offset is committed
    for (let i = 0; i < 100 && (await admin.groupLag(groupId, topic)) > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(await admin.groupLag(groupId, topic), 0);
  } finally {
    await sub.close();
    await publisher.close();
    await admin.close();
  }
});
