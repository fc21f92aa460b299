// The publisher's record encoding (src/record-encoding.ts) against kafkajs' own, byte for byte; the broker
// round trips of every codec are in kafka-roundtrip.test.ts.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { prng } from '@kube-herald/testing';
import {
  fastEncoders,
  installRecordEncoding,
  kafkajsEncoders,
  type RecordInput,
} from '../src/record-encoding.js';
import '../src/index.js';

const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): unknown };

const TEXTS = [
  '',
  'a',
  'pod-1',
  'ns/äöü',
  '日本語のメッセージ',
  'emoji 🚨🔥',
  'x'.repeat(127),
  'y'.repeat(128),
];

function sample(rand: () => number): RecordInput {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const text = (): string => pick(TEXTS) + (rand() < 0.3 ? 'z'.repeat(Math.floor(rand() * 20_000)) : '');
  const bytes = (): string | Buffer | null =>
    pick([() => null, () => text(), () => Buffer.from(text()), () => Buffer.alloc(0)])();
  const headers = pick([
    undefined,
    {},
    Object.freeze({ schema: 'kube-herald.event/v1' }),
    { a: 'one', 'ü-name': Buffer.from('bin\u0000ary'), multi: ['x', 'yy', Buffer.from('zzz')] },
    { empty: '' },
  ]);
  return {
    offsetDelta: pick([0, 1, 63, 64, 8191, 8192, Math.floor(rand() * 2 ** 20)]),
    timestampDelta: pick([0, -1, 1, -64, 64, 2 ** 31, -(2 ** 31) - 5, 2 ** 40 + 7, -(2 ** 42)]),
    key: bytes(),
    value: bytes(),
    ...(headers === undefined ? {} : { headers }),
  };
}

describe('record encoding (Kafka v2 records and batches)', () => {
  it('is what kafkajs 2.2.4 uses to produce', () => {
    assert.equal(installRecordEncoding(), true);
    assert.equal(require('kafkajs/src/protocol/recordBatch/record/v0/index.js'), fastEncoders.record);
    assert.equal(
      (require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: unknown }).RecordBatch,
      fastEncoders.recordBatch,
    );
  });

  it('writes every record exactly as kafkajs does', () => {
    const rand = prng(20261126);
    for (let i = 0; i < 3000; i++) {
      const input = sample(rand);
      const ours = fastEncoders.record(input);
      const theirs = kafkajsEncoders.record(input);
      assert.equal(ours.offset, theirs.offset, `record ${i}: size`);
      assert.deepEqual(ours.buffer, theirs.buffer, `record ${i}: ${JSON.stringify(input).slice(0, 200)}`);
    }
  });

  it('hands deltas a double cannot hold exactly to kafkajs', () => {
    const input = { offsetDelta: 3, timestampDelta: 2 ** 60, key: 'k', value: 'v' };
    assert.deepEqual(fastEncoders.record(input).buffer, kafkajsEncoders.record(input).buffer);
  });

  for (const [name, compression] of [
    ['no compression', 0],
    ['gzip', 1],
    ['zstd', 4],
  ] as const) {
    it(`writes every batch exactly as kafkajs does (${name})`, async () => {
      const rand = prng(7 + compression);
      for (let i = 0; i < 40; i++) {
        const n = i === 0 ? 0 : 1 + Math.floor(rand() * 300);
        const records = Array.from({ length: n }, (_, j) =>
          kafkajsEncoders.record({ ...sample(rand), offsetDelta: j }),
        );
        const args = {
          compression,
          records,
          firstTimestamp: i % 2 ? String(1_764_000_000_000 + i) : 1_764_000_000_000,
          maxTimestamp: 1_764_000_000_999 + i,
          producerId: Long.fromValue(4242 + i),
          producerEpoch: i % 3,
          firstSequence: i * 1000,
          transactional: i % 5 === 0,
          lastOffsetDelta: n - 1,
          partitionLeaderEpoch: i,
        };
        const ours = await fastEncoders.recordBatch(args);
        const theirs = await kafkajsEncoders.recordBatch(args);
        assert.deepEqual(ours.buffer, theirs.buffer, `batch ${i} of ${n} records`);
      }
    });
  }

  it('uses kafkajs defaults for what the request leaves out', async () => {
    const records = [kafkajsEncoders.record({ key: 'k', value: 'v' })];
    const ours = (await fastEncoders.recordBatch({ records, firstTimestamp: 1, maxTimestamp: 2 })).buffer;
    const theirs = (await kafkajsEncoders.recordBatch({ records, firstTimestamp: 1, maxTimestamp: 2 }))
      .buffer;
    assert.deepEqual(ours, theirs);
  });
});
