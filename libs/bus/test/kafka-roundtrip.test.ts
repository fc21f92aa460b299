// Proves kafkajs 2.2.4 against the project's Kafka 4.x broker (scripts/services.sh), then the admin helpers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import kafkajs, { CompressionTypes, Kafka, logLevel, Partitioners, type KafkaMessage } from 'kafkajs';
import { createLogger } from '@kube-herald/logging';
import { kafkaBrokers, testLogger, uniqueName, waitFor } from '@kube-herald/testing';
import { createKafkaAdmin, createKafkaPublisher, type BusAdmin } from '../src/index.js';
import { readAll } from './fixtures/from-beginning.js';

const log = testLogger('kafka-roundtrip');
// CommonJS: kafkajs' codec table is not found as a named ESM export.
const { CompressionCodecs } = kafkajs;

describe('kafkajs 2.2.4 against the test broker', () => {
  const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: uniqueName('rt'), logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  const topic = uniqueName('roundtrip');
  const groupId = uniqueName('roundtrip-group');

  before(async () => {
    await admin.connect();
    assert.equal(
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] }),
      true,
    );
  });
  after(() => admin.disconnect());

  async function consume(expected: number): Promise<KafkaMessage[]> {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    const got: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          got.push(message);
          await consumer.commitOffsets([
            { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
          ]);
        },
      });
      await waitFor(() => got.length >= expected, { timeoutMs: 30_000, what: `${expected} messages` });
      // A moment for anything unexpected (redelivered old messages) to arrive.
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await consumer.disconnect();
    }
    return got;
  }

  it('idempotent producer with acks all; group consumer; headers; per-key order; committed offsets', async () => {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const keys = ['c/ns/uid-a', 'c/ns/uid-b'];
      for (let i = 0; i < 10; i += 1) {
        const result = await producer.send({
          topic,
          acks: -1,
          compression: CompressionTypes.GZIP,
          messages: keys.map((key) => ({
            key,
            value: `${key}:${i}`,
            headers: { schema: 'kube-herald.event/v1', seq: String(i) },
          })),
        });
        assert.ok(result.every((r) => r.errorCode === 0));
      }
      const first = await consume(20);
      assert.equal(first.length, 20);
      for (const key of keys) {
        const values = first.filter((m) => m.key?.toString() === key).map((m) => m.value?.toString());
        assert.deepEqual(
          values,
          Array.from({ length: 10 }, (_, i) => `${key}:${i}`),
        );
      }
      const m = first[0]!;
      assert.equal(m.headers?.schema?.toString(), 'kube-herald.event/v1');
      assert.match(m.headers?.seq?.toString() ?? '', /^\d$/);

      await producer.send({ topic, acks: -1, messages: [{ key: keys[0]!, value: 'after-commit' }] });
      const second = await consume(1);
      assert.deepEqual(
        second.map((x) => x.value?.toString()),
        ['after-commit'],
      );
    } finally {
      await producer.disconnect();
    }
  });
});

const readBack = (topic: string, n: number) => readAll(topic, n, { brokers: kafkaBrokers(), log });

describe('Kafka admin and publisher', () => {
  let admin: BusAdmin;
  before(() => {
    admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: uniqueName('admin'), log });
  });
  after(() => admin.close());

  it('ensureTopics creates once; offsetsForTime and endOffsets return the right offsets', async () => {
    const topic = uniqueName('by-time');
    assert.deepEqual(await admin.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]), [topic]);
    assert.deepEqual(await admin.ensureTopics([{ topic, partitions: 1 }]), []);
    const publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: uniqueName('pub'), log });
    await publisher.start();
    const t0 = Date.now() - 60_000;
    await publisher.publish(
      topic,
      [0, 1, 2, 3].map((i) => ({ key: 'k', value: `v${i}`, timestamp: t0 + i * 10_000 })),
    );
    await publisher.close();
    assert.deepEqual(await admin.offsetsForTime(topic, t0 - 1), [{ partition: 0, offset: '0' }]);
    assert.deepEqual(await admin.offsetsForTime(topic, t0 + 10_000), [{ partition: 0, offset: '1' }]);
    assert.deepEqual(await admin.offsetsForTime(topic, t0 + 25_000), [{ partition: 0, offset: '3' }]);
    assert.deepEqual(await admin.offsetsForTime(topic, Date.now() + 60_000), [{ partition: 0, offset: '4' }]);
    assert.deepEqual(await admin.endOffsets(topic), [{ partition: 0, offset: '4' }]);
    assert.equal(await admin.groupLag(uniqueName('nobody'), topic), 4);

    const lines: { level: number; msg: string; have?: number; want?: number }[] = [];
    const capture = createLogger({
      name: 'capture',
      level: 'warn',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
    });
    const other = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: uniqueName('admin'), log: capture });
    try {
      assert.deepEqual(await other.ensureTopics([{ topic, partitions: 3 }]), []);
    } finally {
      await other.close();
    }
    assert.equal((await admin.endOffsets(topic)).length, 1, 'an existing topic is never changed');
    const warning = lines.find((l) => l.msg.includes('another partition count'));
    assert.equal(warning?.have, 1);
    assert.equal(warning?.want, 3);
  });

  it('concurrent publishes are batched and all acknowledged, in call order per key', async () => {
    const topic = uniqueName('linger');
    await admin.ensureTopics([{ topic, partitions: 2, replicationFactor: 1 }]);
    const publisher = createKafkaPublisher({
      brokers: kafkaBrokers(),
      clientId: uniqueName('pub'),
      log,
      lingerMs: 20,
      maxBatch: 50,
    });
    await publisher.start();
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        publisher.publish(topic, [{ key: `k${i % 3}`, value: String(i) }]),
      ),
    );
    await publisher.close();
    const ends = await admin.endOffsets(topic);
    assert.equal(
      ends.reduce((n, e) => n + Number(e.offset), 0),
      120,
    );
    const got = await readBack(topic, 120);
    for (const key of ['k0', 'k1', 'k2']) {
      const values = got.filter((r) => r.key === key).map((r) => Number(r.value!.toString()));
      assert.equal(values.length, 40);
      assert.deepEqual(
        values,
        [...values].sort((a, b) => a - b),
        `call order of ${key}`,
      );
    }
  });

  it('zstd (the default), gzip and none round-trip through the broker; zstd is what kafkajs really used', async () => {
    // Count the calls into the registered zstd codec: the broker validates a compressed batch before it
    // appends it, so an accepted batch proves a real zstd frame; the subscriber must decompress it.
    const registered = CompressionCodecs[CompressionTypes.ZSTD] as () => {
      compress(e: unknown): Promise<Buffer>;
      decompress(b: Buffer): Promise<Buffer>;
    };
    const calls = { compress: 0, decompress: 0 };
    CompressionCodecs[CompressionTypes.ZSTD] = () => {
      const c = registered();
      return {
        compress: (e: unknown) => ((calls.compress += 1), c.compress(e)),
        decompress: (b: Buffer) => ((calls.decompress += 1), c.decompress(b)),
      };
    };
    try {
      for (const compression of [undefined, 'gzip', 'none'] as const) {
        const topic = uniqueName(`codec-${compression ?? 'default'}`);
        await admin.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
        const publisher = createKafkaPublisher({
          brokers: kafkaBrokers(),
          clientId: uniqueName('pub'),
          log,
          ...(compression === undefined ? {} : { compression }),
        });
        await publisher.start();
        const values = Array.from(
          { length: 50 },
          (_, i) => `{"reason":"BackOff","n":${i},"pad":"${'x'.repeat(200)}"}`,
        );
        await publisher.publish(
          topic,
          values.map((value) => ({ key: 'k', value })),
        );
        await publisher.close();
        const before = { ...calls };
        const got = await readBack(topic, 50);
        assert.deepEqual(
          got.map((r) => r.value!.toString()),
          values,
          `${compression ?? 'zstd'} round trip`,
        );
        if (compression === undefined) {
          assert.ok(calls.compress > 0, 'the default publisher compressed with zstd');
          assert.ok(calls.decompress > before.decompress, 'the subscriber decompressed zstd');
        } else {
          assert.equal(calls.decompress, before.decompress, `${compression}: no zstd batch was read`);
        }
      }
    } finally {
      CompressionCodecs[CompressionTypes.ZSTD] = registered;
    }
  });

  it('big messages are split into batches the broker accepts; an oversized one fails alone', async () => {
    const topic = uniqueName('big');
    await admin.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    const publisher = createKafkaPublisher({
      brokers: kafkaBrokers(),
      clientId: uniqueName('pub'),
      log,
      lingerMs: 50,
    });
    await publisher.start();
    try {
      // Random bytes do not compress: 20 x 200 KB in one request would exceed the broker's 1 MiB batch limit.
      const big = Array.from({ length: 20 }, (_, i) =>
        publisher.publish(topic, [{ key: 'same', value: randomBytes(200_000), headers: { i: String(i) } }]),
      );
      const oversized = publisher.publish(topic, [{ key: 'same', value: randomBytes(1_200_000) }]);
      await assert.rejects(oversized, { code: 'BUS_INVALID_MESSAGE', verdict: 'permanent' });
      await Promise.all(big);
    } finally {
      await publisher.close();
    }
    assert.deepEqual(await admin.endOffsets(topic), [{ partition: 0, offset: '20' }]);
  });

  it('publish to a missing topic rejects with BUS_PUBLISH_FAILED (no auto-creation)', async () => {
    const publisher = createKafkaPublisher({
      brokers: kafkaBrokers(),
      clientId: uniqueName('pub'),
      log: testLogger('expected-failure').child({}, { level: 'fatal' }),
      retries: 1,
    });
    await publisher.start();
    const topic = uniqueName('missing');
    await assert.rejects(publisher.publish(topic, [{ key: null, value: 'x' }]), {
      code: 'BUS_PUBLISH_FAILED',
    });
    await publisher.close();
    assert.equal((await admin.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }])).length, 1);
  });
});
