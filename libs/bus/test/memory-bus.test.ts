import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@kube-herald/testing';
import { createMemoryBus, type BusRecord } from '../src/index.js';
import { busContract } from './contract.js';

busContract('memory', () => {
  const bus = createMemoryBus();
  return Promise.resolve({
    publisher: () => bus.createPublisher(),
    subscriber: (options) => bus.subscriber(options),
    createTopic: async (topic, partitions) => {
      await bus.admin.ensureTopics([{ topic, partitions }]);
    },
    close: () => bus.admin.close(),
    timeoutMs: 5_000,
  });
});

describe('memory bus', () => {
  it('records() lists what was published; offsets by time and end offsets follow the log', async () => {
    const bus = createMemoryBus({ partitions: 2 });
    await bus.publisher.start();
    await bus.publisher.publish('t', [
      { key: 'a', value: 'a1', timestamp: 1_000 },
      { key: 'a', value: 'a2', timestamp: 2_000 },
      { key: 'a', value: 'a3', timestamp: 3_000 },
    ]);
    assert.deepEqual(
      bus.records('t').map((r) => r.value?.toString()),
      ['a1', 'a2', 'a3'],
    );
    const partition = bus.records('t')[0]!.partition;
    const byTime = await bus.admin.offsetsForTime('t', 2_000);
    assert.equal(byTime.find((o) => o.partition === partition)?.offset, '1');
    const late = await bus.admin.offsetsForTime('t', 9_000);
    assert.equal(late.find((o) => o.partition === partition)?.offset, '3');
    assert.equal((await bus.admin.endOffsets('t')).find((o) => o.partition === partition)?.offset, '3');
    await assert.rejects(bus.admin.endOffsets('missing'), { code: 'BUS_UNKNOWN_TOPIC' });
    await bus.publisher.close();
  });

  it('splits partitions between members of a group and starts at the end without fromBeginning', async () => {
    const bus = createMemoryBus({ partitions: 4 });
    await bus.publisher.start();
    await bus.publisher.publish('t', [{ key: 'before', value: 'old' }]);
    const seen = new Map<string, BusRecord[]>();
    const members = ['m1', 'm2'].map((name) => {
      seen.set(name, []);
      return { name, sub: bus.subscriber({ groupId: 'g', topics: ['t'], fromBeginning: false }) };
    });
    for (const m of members) {
      await m.sub.start((records) => {
        seen.get(m.name)!.push(...records);
        return Promise.resolve();
      });
    }
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await bus.publisher.publish(
      't',
      keys.map((key) => ({ key, value: key })),
    );
    await waitFor(() => seen.get('m1')!.length + seen.get('m2')!.length >= 40, { what: '40 records' });
    const p1 = new Set(seen.get('m1')!.map((r) => r.partition));
    const p2 = new Set(seen.get('m2')!.map((r) => r.partition));
    assert.ok(p1.size > 0 && p2.size > 0, 'both members got work');
    assert.ok(
      [...p1].every((p) => !p2.has(p)),
      'no partition is shared',
    );
    const all = [...seen.get('m1')!, ...seen.get('m2')!].map((r) => r.value?.toString());
    assert.ok(!all.includes('old'), 'fromBeginning false skips what was there before start');
    assert.equal(all.length, 40);
    for (const m of members) await m.sub.close();
    await bus.publisher.close();
  });
});
