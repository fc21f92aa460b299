import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs, { CompressionTypes } from 'kafkajs';
import { createLogger } from '@kube-herald/logging';
import { kafkaBrokers, uniqueName } from '@kube-herald/testing';
import { createKafkaAdmin, createKafkaPublisher } from '../src/index.js';
import { readAll } from './fixtures/from-beginning.js';

const { CompressionCodecs } = kafkajs;
const log = createLogger({ name: 'bus-test', level: 'silent' });

describe('publisher compressMinBytes', () => {
  it('sends small batches uncompressed and compresses the large ones; both read back', async () => {
    const topic = uniqueName('compress-min');
    const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: uniqueName('admin'), log });
    await admin.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    await admin.close();
    type Codec = { compress(e: unknown): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
    const registered = CompressionCodecs[CompressionTypes.ZSTD] as unknown as () => Codec;
    let compressed = 0;
    const counting = (): Codec => {
      const c = registered();
      return {
        compress: (e) => ((compressed += 1), c.compress(e)),
        decompress: (b) => c.decompress(b),
      };
    };
    CompressionCodecs[CompressionTypes.ZSTD] = counting;
    const publisher = createKafkaPublisher({
      brokers: kafkaBrokers(),
      clientId: uniqueName('pub'),
      log,
      compressMinBytes: 8 * 1024,
      lingerMs: 0,
    });
    const value = (i: number) => `{"reason":"BackOff","n":${i},"pad":"${'x'.repeat(200)}"}`;
    try {
      await publisher.start();
      await publisher.publish(topic, [{ key: 'k', value: value(0) }]);
      assert.equal(compressed, 0, 'a one-record batch of ~230 bytes goes uncompressed');
      await publisher.publish(
        topic,
        Array.from({ length: 100 }, (_, i) => ({ key: 'k', value: value(i + 1) })),
      );
      assert.equal(compressed, 1, 'a 100-record batch of ~23 KB is compressed');
    } finally {
      CompressionCodecs[CompressionTypes.ZSTD] = registered;
      await publisher.close();
    }
    const got = await readAll(topic, 101, { brokers: kafkaBrokers(), log });
    assert.deepEqual(
      got.map((r) => r.value!.toString()),
      Array.from({ length: 101 }, (_, i) => value(i)),
    );
  });
});
