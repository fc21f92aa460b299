import { encodePlainBatch, fastEncoders, type RecordInput } from './record-encoding.js';

// The Produce request (API key 0, versions 3 to 7: one layout) and its answer, written and read by hand in
// exactly sized buffers. kafkajs builds the same bytes through general-purpose encoders (a zero-filled
// buffer per level, grown by doubling, copied upwards) and decodes the answer into strings of every int64;
// at a steady few hundred events/s, each sent on its own, that was the largest part of a publisher's CPU.
// `test/produce-request.test.ts` compares both directions with kafkajs' own, byte for byte.

/** The Produce versions this module writes and reads. */
export const PRODUCE_MIN_VERSION = 3;
export const PRODUCE_MAX_VERSION = 7;

/** One partition's record batch in a produce request. */
export interface PartitionBatch {
  readonly partition: number;
  /** A Kafka v2 record batch ({@link encodeRecordBatch}). */
  readonly batch: Buffer;
}

/** What a produce request carries (no transactional id: the publisher is idempotent, not transactional). */
export interface ProduceRequestInput {
  readonly acks: number;
  readonly timeoutMs: number;
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly PartitionBatch[] }>;
}

/** The body of a Produce request v3–v7 (after kafkajs' request header). */
export function encodeProduceRequest(input: ProduceRequestInput): Buffer {
  // transactional_id (null), acks, timeout_ms, topic count
  let size = 2 + 2 + 4 + 4;
  for (const t of input.topics) {
    size += 2 + Buffer.byteLength(t.topic) + 4;
    for (const p of t.partitions) size += 4 + 4 + p.batch.length;
  }
  const out = Buffer.allocUnsafe(size);
  let off = out.writeInt16BE(-1, 0);
  off = out.writeInt16BE(input.acks, off);
  off = out.writeInt32BE(input.timeoutMs, off);
  off = out.writeInt32BE(input.topics.length, off);
  for (const t of input.topics) {
    const length = Buffer.byteLength(t.topic);
    off = out.writeInt16BE(length, off);
    off += out.write(t.topic, off, length, 'utf8');
    off = out.writeInt32BE(t.partitions.length, off);
    for (const p of t.partitions) {
      off = out.writeInt32BE(p.partition, off);
      off = out.writeInt32BE(p.batch.length, off);
      off += p.batch.copy(out, off);
    }
  }
  // allocUnsafe: a mismatch would send stale memory, so it is an error, never a request.
  if (off !== size) throw new Error(`produce request encoding wrote ${off} of ${size} bytes`);
  return out;
}

/** A request frame (header v1): size, api key and version, correlation id, client id, then `body`. */
export function frameRequest(
  apiKey: number,
  version: number,
  correlationId: number,
  clientId: string,
  body: Buffer,
): Buffer {
  const idLength = Buffer.byteLength(clientId);
  const size = 2 + 2 + 4 + 2 + idLength + body.length;
  const frame = Buffer.allocUnsafe(4 + size);
  let off = frame.writeInt32BE(size, 0);
  off = frame.writeInt16BE(apiKey, off);
  off = frame.writeInt16BE(version, off);
  off = frame.writeInt32BE(correlationId, off);
  off = frame.writeInt16BE(idLength, off);
  off += frame.write(clientId, off, idLength, 'utf8');
  body.copy(frame, off);
  return frame;
}

/** One partition of a produce answer. */
export interface PartitionAnswer {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  /** The offset of the batch's first record (-1 on error), as a number: exact below 2^53. */
  readonly baseOffset: number;
}

/** Reads a Produce answer of `version` (3–7); the throttle time is left out. */
export function decodeProduceResponse(buf: Buffer, version: number): PartitionAnswer[] {
  const answers: PartitionAnswer[] = [];
  let off = 0;
  const topics = buf.readInt32BE(off);
  off += 4;
  for (let t = 0; t < topics; t++) {
    const length = buf.readInt16BE(off);
    const topic = buf.toString('utf8', off + 2, off + 2 + length);
    off += 2 + length;
    const partitions = buf.readInt32BE(off);
    off += 4;
    for (let p = 0; p < partitions; p++) {
      const partition = buf.readInt32BE(off);
      const errorCode = buf.readInt16BE(off + 4);
      const baseOffset = Number(buf.readBigInt64BE(off + 6));
      // partition, error_code, base_offset, log_append_time_ms[, log_start_offset (v5+)]
      off += 4 + 2 + 8 + 8 + (version >= 5 ? 8 : 0);
      answers.push({ topic, partition, errorCode, baseOffset });
    }
  }
  if (off + 4 > buf.length) throw new Error(`produce answer v${version} is ${buf.length} bytes, cut short`);
  return answers;
}

/** A message as the publisher hands it over (key, value, headers; `timestamp` in ms as a string). */
export interface BatchMessage {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: RecordInput['headers'];
  readonly timestamp?: string;
}

/** The producer fields of a record batch. */
export interface BatchProducer {
  readonly compression: number;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstSequence: number;
}

/** A Kafka v2 record batch of `messages`, timestamped as kafkajs does (now for messages without one). */
export async function encodeRecordBatch(
  messages: readonly BatchMessage[],
  producer: BatchProducer,
): Promise<Buffer> {
  const now = Date.now();
  let first = Infinity;
  let max = -Infinity;
  const times = new Array<number>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const given = messages[i]?.timestamp;
    const ts = given === undefined ? now : Number(given);
    times[i] = ts;
    if (ts < first) first = ts;
    if (ts > max) max = ts;
  }
  // Timestamps that are not safe integers (never from a clock) take kafkajs' Long-based path below.
  if (producer.compression === 0 && Number.isSafeInteger(first) && Number.isSafeInteger(max)) {
    return encodePlainBatch(
      messages.map((m, i) => ({
        key: m.key ?? null,
        value: m.value,
        ...(m.headers === undefined ? {} : { headers: m.headers }),
        timestampDelta: (times[i] ?? now) - first,
      })),
      { ...producer, firstTimestamp: first, maxTimestamp: max },
    );
  }
  const records = messages.map((m, i) =>
    fastEncoders.record({
      key: m.key ?? null,
      value: m.value,
      ...(m.headers === undefined ? {} : { headers: m.headers }),
      offsetDelta: i,
      timestampDelta: (times[i] ?? now) - first,
    }),
  );
  const encoded = await fastEncoders.recordBatch({
    compression: producer.compression,
    records,
    firstTimestamp: first,
    maxTimestamp: max,
    producerId: producer.producerId,
    producerEpoch: producer.producerEpoch,
    firstSequence: producer.firstSequence,
    lastOffsetDelta: messages.length - 1,
  });
  return encoded.buf.subarray(0, encoded.offset);
}
