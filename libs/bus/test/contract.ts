// The Bus contract, run against every implementation (kafka-bus.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName, waitFor } from '@kube-herald/testing';
import type { BusRecord, Publisher, Subscriber, SubscriberHandler, SubscriberOptions } from '../src/index.js';

/** What the contract needs from an implementation. */
export interface BusFixture {
  /** A new, not yet started publisher. */
  publisher(): Publisher;
  subscriber(options: SubscriberOptions): Subscriber;
  createTopic(topic: string, partitions: number): Promise<void>;
  close(): Promise<void>;
  /** How long to wait for deliveries. */
  readonly timeoutMs: number;
}

function collector(): { handler: SubscriberHandler; records: BusRecord[]; calls: BusRecord[][] } {
  const records: BusRecord[] = [];
  const calls: BusRecord[][] = [];
  return {
    records,
    calls,
    handler: (batch, ctx) => {
      calls.push([...batch]);
      for (const r of batch) {
        assert.equal(r.topic, ctx.topic);
        assert.equal(r.partition, ctx.partition);
      }
      records.push(...batch);
      return Promise.resolve();
    },
  };
}

function valuesOf(records: readonly BusRecord[], key: string): string[] {
  return records.filter((r) => r.key === key).map((r) => r.value?.toString('utf8') ?? '<null>');
}

/** Registers the contract tests for one implementation. */
export function busContract(name: string, setup: () => Promise<BusFixture>): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: BusFixture;
    let publisher: Publisher;
    const subscribers: Subscriber[] = [];
    const subscribe = async (options: SubscriberOptions, handler: SubscriberHandler): Promise<Subscriber> => {
      const s = bus.subscriber(options);
      subscribers.push(s);
      await s.start(handler);
      return s;
    };

    before(async () => {
      bus = await setup();
      publisher = bus.publisher();
      await publisher.start();
    });
    after(async () => {
      for (const s of subscribers) await s.close();
      await publisher.close();
      await bus.close();
    });

    it('delivers key, value, headers and timestamp, keeping the order of each key', async () => {
      const topic = uniqueName('contract-order');
      await bus.createTopic(topic, 3);
      const keys = ['ns/a/uid-1', 'ns/b/uid-2', 'ns/c/uid-3'];
      const ts = Date.UTC(2025, 0, 2, 3, 4, 5);
      for (let round = 0; round < 4; round += 1) {
        await Promise.all(
          [0, 1, 2].map((i) =>
            publisher.publish(
              topic,
              keys.map((key) => ({
                key,
                value: `${key}#${round * 3 + i}`,
                headers: { schema: 'kube-herald.event/v1', 'x-ünïcode': 'grüße' },
                timestamp: ts + round,
              })),
            ),
          ),
        );
      }
      const c = collector();
      await subscribe({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true }, c.handler);
      await waitFor(() => c.records.length >= 36, { timeoutMs: bus.timeoutMs, what: '36 records' });
      assert.equal(c.records.length, 36);
      for (const key of keys) {
        const values = valuesOf(c.records, key);
        const rounds = values.map((v) => Number(v.split('#')[1]));
        // Calls within one round run concurrently, so only the round order is guaranteed across calls.
        for (let i = 1; i < rounds.length; i += 1) {
          assert.ok(
            Math.floor(rounds[i]! / 3) >= Math.floor(rounds[i - 1]! / 3),
            `order of ${key}: ${values.join(',')}`,
          );
        }
        assert.equal(new Set(c.records.filter((r) => r.key === key).map((r) => r.partition)).size, 1);
      }
      const first = c.records[0]!;
      assert.deepEqual(first.headers, { schema: 'kube-herald.event/v1', 'x-ünïcode': 'grüße' });
      assert.ok(first.timestamp >= ts && first.timestamp <= ts + 3, `timestamp ${first.timestamp}`);
      assert.ok(Buffer.isBuffer(first.value));
      assert.match(first.offset, /^\d+$/);
    });

    it('keeps the order of sequential publishes of one key', async () => {
      const topic = uniqueName('contract-seq');
      await bus.createTopic(topic, 3);
      for (let i = 0; i < 20; i += 1) await publisher.publish(topic, [{ key: 'k', value: String(i) }]);
      const c = collector();
      await subscribe({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true }, c.handler);
      await waitFor(() => c.records.length >= 20, { timeoutMs: bus.timeoutMs, what: '20 records' });
      assert.deepEqual(
        valuesOf(c.records, 'k'),
        Array.from({ length: 20 }, (_, i) => String(i)),
      );
      const offsets = c.records.map((r) => BigInt(r.offset));
      assert.ok(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!));
    });

    it('hands a failing batch again after a back-off and never skips it', async () => {
      const topic = uniqueName('contract-retry');
      await bus.createTopic(topic, 1);
      await publisher.publish(
        topic,
        [1, 2, 3, 4, 5].map((i) => ({ key: 'k', value: `v${i}` })),
      );
      let failures = 0;
      const seenFirst: string[] = [];
      const done: BusRecord[] = [];
      await subscribe(
        {
          groupId: uniqueName('g'),
          topics: [topic],
          fromBeginning: true,
          retryDelayMs: 20,
          maxRetryDelayMs: 50,
        },
        (records) => {
          seenFirst.push(records[0]!.value!.toString());
          if (failures < 3) {
            failures += 1;
            return Promise.reject(new Error('transient'));
          }
          done.push(...records);
          return Promise.resolve();
        },
      );
      await waitFor(() => done.length >= 5, { timeoutMs: bus.timeoutMs, what: 'all 5 records handled' });
      assert.deepEqual(
        done.map((r) => r.value!.toString()),
        ['v1', 'v2', 'v3', 'v4', 'v5'],
      );
      assert.deepEqual(seenFirst.slice(0, 4), ['v1', 'v1', 'v1', 'v1']);
    });

    it('a new member of the group starts after the committed offset', async () => {
      const topic = uniqueName('contract-commit');
      const groupId = uniqueName('g');
      await bus.createTopic(topic, 2);
      await publisher.publish(
        topic,
        [1, 2, 3, 4, 5].map((i) => ({ key: `k${i}`, value: `old${i}` })),
      );
      const a = collector();
      const first = await subscribe({ groupId, topics: [topic], fromBeginning: true }, a.handler);
      await waitFor(() => a.records.length >= 5, { timeoutMs: bus.timeoutMs, what: '5 old records' });
      await waitFor(async () => (await first.lag?.()) === 0, { timeoutMs: bus.timeoutMs, what: 'lag 0' });
      await first.close();
      await first.close();
      await publisher.publish(
        topic,
        [6, 7, 8].map((i) => ({ key: `k${i}`, value: `new${i}` })),
      );
      const b = collector();
      const second = await subscribe({ groupId, topics: [topic], fromBeginning: true }, b.handler);
      await waitFor(() => b.records.length >= 3, { timeoutMs: bus.timeoutMs, what: '3 new records' });
      // Give a wrong redelivery of old records a moment to show up.
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(b.records.map((r) => r.value!.toString()).sort(), ['new6', 'new7', 'new8']);
      assert.equal(await second.lag?.(), 0);
    });

    it('close() while the handler keeps failing returns promptly and commits nothing', async () => {
      const topic = uniqueName('contract-close');
      const groupId = uniqueName('g');
      await bus.createTopic(topic, 1);
      await publisher.publish(topic, [{ key: 'k', value: 'poison-or-not' }]);
      let attempts = 0;
      const failing = await subscribe(
        { groupId, topics: [topic], fromBeginning: true, retryDelayMs: 10_000, maxRetryDelayMs: 10_000 },
        () => {
          attempts += 1;
          return Promise.reject(new Error('downstream down'));
        },
      );
      await waitFor(() => attempts >= 1, { timeoutMs: bus.timeoutMs, what: 'a first failing attempt' });
      const t0 = Date.now();
      await failing.close();
      assert.ok(Date.now() - t0 < 8_000, `close took ${Date.now() - t0} ms despite a 10 s back-off`);
      const c = collector();
      await subscribe({ groupId, topics: [topic], fromBeginning: true }, c.handler);
      await waitFor(() => c.records.length >= 1, {
        timeoutMs: bus.timeoutMs,
        what: 'the uncommitted record',
      });
      assert.equal(c.records[0]!.value!.toString(), 'poison-or-not');
    });

    it('members of one group share the partitions; when one leaves, the other takes over', async () => {
      const topic = uniqueName('contract-group');
      const groupId = uniqueName('g');
      await bus.createTopic(topic, 4);
      const a = collector();
      const b = collector();
      const first = await subscribe({ groupId, topics: [topic], fromBeginning: true }, a.handler);
      await subscribe({ groupId, topics: [topic], fromBeginning: true }, b.handler);
      const values = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) => ({ key: `key-${from + i}`, value: String(from + i) }));
      await publisher.publish(topic, values(0, 40));
      const seen = () => new Set([...a.records, ...b.records].map((r) => r.value!.toString()));
      await waitFor(() => seen().size >= 40, { timeoutMs: bus.timeoutMs, what: '40 records over 2 members' });
      await first.close();
      const before = b.records.length;
      await publisher.publish(topic, values(40, 20));
      await waitFor(() => seen().size >= 60, {
        timeoutMs: bus.timeoutMs,
        what: '20 more records after a leaves',
      });
      const late = new Set(b.records.slice(before).map((r) => r.value!.toString()));
      for (let i = 40; i < 60; i += 1)
        assert.ok(late.has(String(i)), `record ${i} handled by the member left`);
      assert.equal(
        new Set(b.records.slice(before).map((r) => r.partition)).size,
        4,
        'all partitions taken over',
      );
    });

    it('rejects publish before start and after close; close is idempotent', async () => {
      const p = bus.publisher();
      await assert.rejects(p.publish('t', [{ key: null, value: 'x' }]), { code: 'BUS_NOT_STARTED' });
      await p.start();
      await p.close();
      await p.close();
      await assert.rejects(p.publish('t', [{ key: null, value: 'x' }]), { code: 'BUS_CLOSED' });
    });
  });
}
