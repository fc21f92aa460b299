// The bounded reader and the admin's topic/group helpers, on the real test broker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kafkaBrokers, testLogger, uniqueName } from '@kube-herald/testing';
import {
  createKafkaAdmin,
  createKafkaPublisher,
  createKafkaRangeReader,
  type BusAdmin,
  type BusRecord,
  type PartitionOffset,
} from '../src/index.js';
import { fromBeginning } from './fixtures/from-beginning.js';

const log = testLogger('kafka-range-reader');
const base = Date.now() - 3_600_000;
const toMap = (offsets: readonly PartitionOffset[]): Map<number, string> =>
  new Map(offsets.map((o) => [o.partition, o.offset]));

describe('createKafkaRangeReader', () => {
  const topic = uniqueName('range');
  const brokers = kafkaBrokers();
  let admin: BusAdmin;

  before(async () => {
    admin = createKafkaAdmin({ brokers, clientId: uniqueName('range-admin'), log });
    await admin.ensureTopics([{ topic, partitions: 3 }]);
    const publisher = createKafkaPublisher({ brokers, clientId: uniqueName('range-pub'), log });
    await publisher.start();
    const messages = Array.from({ length: 30 }, (_, i) => ({
      key: `k${i}`,
      value: `v${i}`,
      timestamp: base + i * 1000,
    }));
    await publisher.publish(topic, messages);
    await publisher.close();
  });
  after(() => admin.close());

  async function read(
    start: Map<number, string>,
    end: Map<number, string>,
  ): Promise<{ records: BusRecord[]; groupId: string; how: string; before: number }> {
    const reader = createKafkaRangeReader({ brokers, clientId: uniqueName('range'), log, topic, start, end });
    const records: BusRecord[] = [];
    const how = await reader.run(async (batch, partition) => {
      assert.ok(batch.every((r) => r.partition === partition));
      records.push(...batch);
      return Promise.resolve();
    });
    await reader.close();
    return { records, groupId: reader.groupId, how, before: reader.stats().before };
  }

  it('reads exactly the records of [start, end), once, in offset order, and leaves no group behind', async () => {
    const start = toMap(await admin.offsetsForTime(topic, base + 10_000));
    const end = toMap(await admin.offsetsForTime(topic, base + 20_000));
    const { records, groupId, how, before } = await read(start, end);
    assert.equal(how, 'done');
    assert.equal(before, 0, 'nothing before the window was even fetched');
    const keys = records.map((r) => r.key ?? '').sort();
    assert.deepEqual(keys, Array.from({ length: 10 }, (_, i) => `k${i + 10}`).sort());
    for (const p of [0, 1, 2]) {
      const offsets = records.filter((r) => r.partition === p).map((r) => BigInt(r.offset));
      assert.deepEqual(
        offsets,
        [...offsets].sort((a, b) => (a < b ? -1 : 1)),
      );
      for (const o of offsets) assert.ok(o >= BigInt(start.get(p) ?? '') && o < BigInt(end.get(p) ?? ''));
    }
    assert.ok(!(await admin.listGroups()).includes(groupId), 'temporary group deleted');
  });

  it('finishes at once when every partition is empty, without creating a group', async () => {
    const ends = toMap(await admin.endOffsets(topic));
    const t = Date.now();
    const { records, groupId, how } = await read(ends, ends);
    assert.equal(how, 'done');
    assert.equal(records.length, 0);
    assert.ok(Date.now() - t < 1_000, `took ${Date.now() - t} ms`);
    assert.ok(!(await admin.listGroups()).includes(groupId));
  });

  it('skips partitions with start == end and stops when the others reached their end', async () => {
    const ends = toMap(await admin.endOffsets(topic));
    const starts = new Map(ends);
    starts.set(0, '0');
    const t = Date.now();
    const { records, how } = await read(starts, ends);
    assert.equal(how, 'done');
    assert.equal(records.length, Number(ends.get(0)));
    assert.ok(records.every((r) => r.partition === 0));
    assert.ok(Date.now() - t < 15_000, `took ${Date.now() - t} ms`);
  });

  it('stop() ends the run after the current batch; a handler error rejects the run; no group is left', async () => {
    const starts = new Map([0, 1, 2].map((p) => [p, '0']));
    const ends = toMap(await admin.endOffsets(topic));
    const reader = () =>
      createKafkaRangeReader({
        brokers,
        clientId: uniqueName('range'),
        log,
        topic,
        start: starts,
        end: ends,
      });
    const stopping = reader();
    let batches = 0;
    const how = await stopping.run(() => {
      batches += 1;
      stopping.stop();
      return Promise.resolve();
    });
    assert.equal(how, 'stopped');
    assert.equal(batches, 1);
    const failing = reader();
    await assert.rejects(
      failing.run(() => Promise.reject(new Error('handler broke'))),
      /handler broke/,
    );
    const groups = await admin.listGroups();
    assert.ok(!groups.includes(stopping.groupId) && !groups.includes(failing.groupId));
  });
});

describe('BusAdmin topicExists / listGroups / deleteGroup', () => {
  const brokers = kafkaBrokers();
  const topic = uniqueName('exists');
  let admin: BusAdmin;
  before(async () => {
    admin = createKafkaAdmin({ brokers, clientId: uniqueName('admin'), log });
    await admin.ensureTopics([{ topic, partitions: 1 }]);
  });
  after(() => admin.close());

  it('topicExists is true for an existing topic and false for a missing one (never creating it)', async () => {
    assert.equal(await admin.topicExists(topic), true);
    const missing = uniqueName('missing');
    assert.equal(await admin.topicExists(missing), false);
    assert.equal(await admin.topicExists(missing), false);
  });

  it('deleteGroup removes a group with committed offsets; a missing group counts as deleted', async () => {
    const groupId = uniqueName('doomed');
    const publisher = createKafkaPublisher({ brokers, clientId: uniqueName('pub'), log });
    await publisher.start();
    await publisher.publish(topic, [{ key: 'a', value: '1' }]);
    await publisher.close();
    const subscriber = fromBeginning(topic, { brokers, log, groupId, maxWaitTimeMs: 200 });
    let resolveSeen: () => void = () => undefined;
    const seen = new Promise<void>((r) => (resolveSeen = r));
    await subscriber.start(() => {
      resolveSeen();
      return Promise.resolve();
    });
    await seen;
    await subscriber.close();
    assert.ok((await admin.listGroups()).includes(groupId));
    await admin.deleteGroup(groupId);
    assert.ok(!(await admin.listGroups()).includes(groupId));
    await admin.deleteGroup(groupId);
    await admin.deleteGroup(uniqueName('never-existed'));
  });
});
