// The publisher's Produce request and answer (src/produce-request.ts) against kafkajs' own, byte for byte;
// the broker round trips are in kafka-roundtrip.test.ts and kafka-failover.test.ts.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { prng } from '@kube-herald/testing';
import {
  decodeProduceResponse,
  encodeProduceRequest,
  encodeRecordBatch,
  frameRequest,
  type BatchMessage,
} from '../src/produce-request.js';
import '../src/index.js';

const require = createRequire(import.meta.url);
type KafkajsProduce = (args: object) => {
  encode(): Promise<{ buffer: Buffer }>;
};
const kafkajsRequest = (version: number): KafkajsProduce =>
  require(`kafkajs/src/protocol/requests/produce/v${version}/request.js`) as KafkajsProduce;
const kafkajsResponse = (version: number): { decode(raw: Buffer): Promise<{ topics: unknown[] }> } =>
  require(`kafkajs/src/protocol/requests/produce/v${version}/response.js`) as {
    decode(raw: Buffer): Promise<{ topics: unknown[] }>;
  };
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => {
  writeInt32(v: number): unknown;
  writeInt16(v: number): unknown;
  writeInt64(v: unknown): unknown;
  writeString(v: string): unknown;
  buffer: Buffer;
};

function messages(rand: () => number, n: number): BatchMessage[] {
  const base = 1_765_000_000_000 + Math.floor(rand() * 1000);
  return Array.from({ length: n }, (_, i) => ({
    key: rand() < 0.2 ? null : `ns/pod-${Math.floor(rand() * 50)}`,
    value:
      rand() < 0.5 ? `event ${i} 日本語 🚨 ${'x'.repeat(Math.floor(rand() * 3000))}` : Buffer.from(`v${i}`),
    headers: rand() < 0.5 ? { schema: 'kube-herald.event/v1', mark: `p${i}` } : {},
    timestamp: String(base + Math.floor(rand() * 50)),
  }));
}

describe('Produce request and answer (v3–v7)', () => {
  it('writes the request exactly as kafkajs does, for every version, codec and shape', async () => {
    const rand = prng(7);
    for (let round = 0; round < 40; round++) {
      const version = 3 + (round % 5);
      const compression = [0, 0, 4, 1][round % 4] ?? 0;
      const topics = [`t-${round}`, 'events.ü'].slice(0, 1 + (round % 2)).map((topic) => ({
        topic,
        partitions: Array.from({ length: 1 + (round % 3) }, (_, p) => ({
          partition: p * 2,
          messages: messages(rand, 1 + Math.floor(rand() * 6)),
          firstSequence: Math.floor(rand() * 2 ** 31),
        })),
      }));
      const producer = { producerId: String(1000 + round), producerEpoch: round % 3 };
      const expected = await kafkajsRequest(version)({
        acks: -1,
        timeout: 30_000,
        compression,
        topicData: topics,
        ...producer,
      }).encode();
      const ours = encodeProduceRequest({
        acks: -1,
        timeoutMs: 30_000,
        topics: await Promise.all(
          topics.map(async (t) => ({
            topic: t.topic,
            partitions: await Promise.all(
              t.partitions.map(async (p) => ({
                partition: p.partition,
                batch: await encodeRecordBatch(p.messages, {
                  compression,
                  ...producer,
                  firstSequence: p.firstSequence,
                }),
              })),
            ),
          })),
        ),
      });
      if (compression === 0) {
        assert.deepEqual(ours, expected.buffer, `round ${round} (v${version})`);
      } else {
        // Compressed payloads are the same records through the same codec; the framing around them matches.
        assert.equal(
          ours.length,
          expected.buffer.length,
          `round ${round} (v${version}, codec ${compression})`,
        );
      }
    }
  });

  it('frames a request as kafkajs does (size, api key, version, correlation id, client id, body)', async () => {
    const createRequest = require('kafkajs/src/protocol/request.js') as (args: object) => Promise<{
      buffer: Buffer;
    }>;
    const body = Buffer.from('produce body 日本語');
    for (const clientId of ['kube-herald-collector', 'ü-client', '']) {
      const expected = await createRequest({
        correlationId: 123_456,
        clientId,
        request: { apiKey: 0, apiVersion: 7, encode: () => Promise.resolve({ buf: body, buffer: body }) },
      });
      assert.deepEqual(frameRequest(0, 7, 123_456, clientId, body), expected.buffer, clientId);
    }
  });

  it('reads every partition answer as kafkajs does (v3/v4 without, v5+ with log_start_offset)', async () => {
    for (const version of [3, 4, 5, 6, 7]) {
      const e = new Encoder();
      const topics = [
        {
          topic: 'a',
          partitions: [
            [0, 0, 41n],
            [3, 6, -1n],
          ] as const,
        },
        { topic: 'events.ü', partitions: [[1, 46, 2n ** 40n]] as const },
      ];
      e.writeInt32(topics.length);
      for (const t of topics) {
        e.writeString(t.topic);
        e.writeInt32(t.partitions.length);
        for (const [partition, code, offset] of t.partitions) {
          e.writeInt32(partition);
          e.writeInt16(code);
          e.writeInt64(String(offset));
          e.writeInt64('-1');
          if (version >= 5) e.writeInt64('0');
        }
      }
      e.writeInt32(0);
      const raw = e.buffer;
      const theirs = (await kafkajsResponse(version).decode(raw)).topics as Array<{
        topicName: string;
        partitions: Array<{ partition: number; errorCode: number; baseOffset: string }>;
      }>;
      const expected = theirs.flatMap((t) =>
        t.partitions.map((p) => ({
          topic: t.topicName,
          partition: p.partition,
          errorCode: p.errorCode,
          baseOffset: Number(p.baseOffset),
        })),
      );
      assert.deepEqual(decodeProduceResponse(raw, version), expected, `v${version}`);
      assert.throws(
        () => decodeProduceResponse(raw.subarray(0, raw.length - 5), version),
        /cut short|out of range/,
      );
    }
  });
});
