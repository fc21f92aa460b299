import { createRequire } from 'node:module';
import { crc32c } from './crc32c.js';

// kafkajs 2.2.4 encodes each record of a produce request through its general-purpose Encoder: a zero-filled
// 512-byte buffer per record and per header, grown by doubling, varints built through arrays, and the
// batch's records concatenated into another doubling buffer. On the collector's hot path that was about a
// third of the CPU of publishing. This module swaps in an encoder of the same bytes (Kafka's v2 record and
// record batch, KIP-98) that sizes every buffer exactly once. Only kafkajs' produce request uses the two
// replaced functions; `test/record-encoding.test.ts` compares their output with kafkajs' own, byte for byte.

const require = createRequire(import.meta.url);

/** The part of kafkajs' Encoder this module reads and builds (`buf` holds `offset` bytes). */
interface KafkaEncoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  writeInt16(v: number): KafkaEncoder;
  writeInt32(v: number): KafkaEncoder;
  writeInt64(v: unknown): KafkaEncoder;
}
type EncoderClass = (new (initialSize?: number) => KafkaEncoder) & { prototype: KafkaEncoder };

type HeaderValue = string | Buffer | null | undefined;
/** One message as kafkajs' produce request hands it to the record encoder. */
export interface RecordInput {
  readonly offsetDelta?: number;
  readonly timestampDelta?: number;
  readonly key?: string | Buffer | null;
  readonly value?: string | Buffer | null;
  readonly headers?: Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>;
}
type RecordFn = (input: RecordInput) => KafkaEncoder;

/** The arguments kafkajs' produce request passes to `RecordBatch` (all optional there). */
export interface RecordBatchInput {
  readonly compression?: number;
  readonly firstOffset?: unknown;
  readonly firstTimestamp?: unknown;
  readonly maxTimestamp?: unknown;
  readonly partitionLeaderEpoch?: number;
  readonly lastOffsetDelta?: number;
  readonly transactional?: boolean;
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
  readonly firstSequence?: number;
  readonly records?: readonly KafkaEncoder[];
}
type RecordBatchFn = (input: RecordBatchInput) => Promise<KafkaEncoder>;

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
}

const KAFKAJS_VERSION = '2.2.4';
const PATHS = {
  encoder: 'kafkajs/src/protocol/encoder.js',
  long: 'kafkajs/src/utils/long.js',
  compression: 'kafkajs/src/protocol/message/compression/index.js',
  record: 'kafkajs/src/protocol/recordBatch/record/v0/index.js',
  recordBatch: 'kafkajs/src/protocol/recordBatch/v0/index.js',
  produceRequest: 'kafkajs/src/protocol/requests/produce/v3/request.js',
} as const;

const Encoder = require(PATHS.encoder) as EncoderClass;
const Long = require(PATHS.long) as { fromInt(v: number): unknown; fromValue(v: unknown): unknown };
const { lookupCodec } = require(PATHS.compression) as {
  lookupCodec: (this: void, type: number) => Codec | null;
};

const COMPRESSION_NONE = 0;
const COMPRESSION_CODEC_MASK = 0x07;
const TRANSACTIONAL_MASK = 16;
const MAGIC_BYTE = 2;

/** An Encoder holding exactly `buf` (kafkajs reads `buf`, `offset`, `buffer` and `size()`). */
function encoderOf(buf: Buffer): KafkaEncoder {
  const e = Object.create(Encoder.prototype) as KafkaEncoder;
  e.buf = buf;
  e.offset = buf.length;
  return e;
}

/** Bytes of an unsigned LEB128 varint of a non-negative integer below 2^53. */
function uvarSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n += 1;
  }
  return n;
}

function writeUVar(buf: Buffer, off: number, v: number): number {
  while (v >= 0x80) {
    buf[off++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[off++] = v;
  return off;
}

/** ZigZag of a 32-bit int (Kafka's varint), as an unsigned number. */
const zigzag32 = (v: number): number => ((v << 1) ^ (v >> 31)) >>> 0;
/** ZigZag of a safe integer (Kafka's varlong). */
const zigzag64 = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

/** The bytes of a key, value or header value: null stays null; other non-Buffers are written as strings. */
function bytesOf(v: HeaderValue | number): Buffer | string | null {
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v : String(v);
}
const lengthOf = (v: Buffer | string | null): number =>
  v === null ? -1 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;

function writeBytes(buf: Buffer, off: number, v: Buffer | string | null, length: number): number {
  off = writeUVar(buf, off, zigzag32(length));
  if (v === null) return off;
  if (typeof v === 'string') buf.write(v, off, length, 'utf8');
  else v.copy(buf, off);
  return off + length;
}

// The encoded header block (count and entries) of a frozen headers object, which cannot change: publishers
// pass one shared constant for every record.
const frozenHeaders = new WeakMap<object, Buffer>();

function encodeHeaders(headers: NonNullable<RecordInput['headers']>): Buffer {
  const cached = frozenHeaders.get(headers);
  if (cached) return cached;
  const entries: Array<[string, Buffer | string | null]> = [];
  for (const name of Object.keys(headers)) {
    const v = headers[name];
    if (Array.isArray(v)) for (const one of v as HeaderValue[]) entries.push([name, bytesOf(one)]);
    else entries.push([name, bytesOf(v as HeaderValue)]);
  }
  let size = uvarSize(zigzag32(entries.length));
  for (const [name, v] of entries) {
    const kl = Buffer.byteLength(name);
    const vl = lengthOf(v);
    size += uvarSize(zigzag32(kl)) + kl + uvarSize(zigzag32(vl)) + Math.max(vl, 0);
  }
  const buf = Buffer.alloc(size);
  let off = writeUVar(buf, 0, zigzag32(entries.length));
  for (const [name, v] of entries) {
    off = writeBytes(buf, off, name, Buffer.byteLength(name));
    off = writeBytes(buf, off, v, lengthOf(v));
  }
  if (Object.isFrozen(headers)) frozenHeaders.set(headers, buf);
  return buf;
}

const NO_HEADERS = Buffer.from([0]);

/** A record's parts and sizes, ready to be written by {@link writeRecord}. */
interface SizedRecord {
  readonly key: Buffer | string | null;
  readonly keyLength: number;
  readonly value: Buffer | string | null;
  readonly valueLength: number;
  readonly head: Buffer;
  readonly ts: number;
  readonly od: number;
  readonly bodyVar: number;
  /** Bytes of the whole record, its length varint included. */
  readonly size: number;
}

/** Sizes a record with safe-integer deltas (kafkajs' Long-based path handles the others). */
function sizeRecord(input: RecordInput, offsetDelta: number, timestampDelta: number): SizedRecord {
  const key = bytesOf(input.key);
  const value = bytesOf(input.value);
  const keyLength = lengthOf(key);
  const valueLength = lengthOf(value);
  const head = input.headers === undefined ? NO_HEADERS : encodeHeaders(input.headers);
  const ts = zigzag64(timestampDelta);
  const od = zigzag32(offsetDelta);
  const body =
    1 +
    uvarSize(ts) +
    uvarSize(od) +
    uvarSize(zigzag32(keyLength)) +
    Math.max(keyLength, 0) +
    uvarSize(zigzag32(valueLength)) +
    Math.max(valueLength, 0) +
    head.length;
  const bodyVar = zigzag32(body);
  return { key, keyLength, value, valueLength, head, ts, od, bodyVar, size: uvarSize(bodyVar) + body };
}

/** Writes `r` at `off`; returns the offset after it. */
function writeRecord(buf: Buffer, off: number, r: SizedRecord): number {
  off = writeUVar(buf, off, r.bodyVar);
  buf[off++] = 0; // attributes: none are used in records
  off = writeUVar(buf, off, r.ts);
  off = writeUVar(buf, off, r.od);
  off = writeBytes(buf, off, r.key, r.keyLength);
  off = writeBytes(buf, off, r.value, r.valueLength);
  return off + r.head.copy(buf, off);
}

/** A Kafka v2 record (kafkajs `recordBatch/record/v0`): the same bytes, one exactly sized buffer. */
function fastRecord(original: RecordFn): RecordFn {
  return (input) => {
    const { offsetDelta = 0, timestampDelta = 0 } = input;
    // Deltas outside what a double holds exactly (never from a real clock) take kafkajs' Long-based path.
    if (!Number.isSafeInteger(timestampDelta) || !Number.isInteger(offsetDelta)) return original(input);
    const r = sizeRecord(input, offsetDelta, timestampDelta);
    const buf = Buffer.allocUnsafe(r.size);
    const off = writeRecord(buf, 0, r);
    // allocUnsafe: a mismatch would send stale memory, so it is an error, never a record.
    if (off !== r.size) throw new Error(`record encoding wrote ${off} of ${r.size} bytes`);
    return encoderOf(buf);
  };
}

/**
 * A Kafka v2 record batch (kafkajs `recordBatch/v0` `RecordBatch`): the records are joined into one exactly
 * sized buffer, compressed with kafkajs' codec table (so zstd and gzip are the registered ones), and the
 * batch written once with its CRC-32C.
 */
const fastRecordBatch: RecordBatchFn = async ({
  compression = COMPRESSION_NONE,
  firstOffset = Long.fromInt(0),
  firstTimestamp = Date.now(),
  maxTimestamp = Date.now(),
  partitionLeaderEpoch = 0,
  lastOffsetDelta = 0,
  transactional = false,
  producerId = Long.fromValue(-1),
  producerEpoch = 0,
  firstSequence = 0,
  records = [],
}) => {
  const attributes = (compression & COMPRESSION_CODEC_MASK) | (transactional ? TRANSACTIONAL_MASK : 0);
  let total = 0;
  for (const r of records) total += r.offset;
  let payload: Buffer = Buffer.allocUnsafe(total);
  let at = 0;
  for (const r of records) at += r.buf.copy(payload, at, 0, r.offset);
  if (compression !== COMPRESSION_NONE) {
    const codec = lookupCodec(compression);
    if (!codec) throw new Error(`no codec for compression type ${compression}`);
    payload = await codec.compress(encoderOf(payload));
  }
  const batchHead = new Encoder(64)
    .writeInt16(attributes)
    .writeInt32(lastOffsetDelta)
    .writeInt64(firstTimestamp)
    .writeInt64(maxTimestamp)
    .writeInt64(producerId)
    .writeInt16(producerEpoch)
    .writeInt32(firstSequence)
    .writeInt32(records.length).buffer;
  const first = new Encoder(8).writeInt64(firstOffset).buffer;
  // firstOffset, length, partitionLeaderEpoch, magic, crc, then the body the CRC covers.
  const bodyStart = 8 + 4 + 4 + 1 + 4;
  const out = Buffer.allocUnsafe(bodyStart + batchHead.length + payload.length);
  first.copy(out, 0);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(partitionLeaderEpoch, 12);
  out.writeInt8(MAGIC_BYTE, 16);
  batchHead.copy(out, bodyStart);
  payload.copy(out, bodyStart + batchHead.length);
  out.writeUInt32BE(crc32c(out.subarray(bodyStart)), 17);
  return encoderOf(out);
};

/** The producer fields and timestamps of a batch written by {@link encodePlainBatch}. */
export interface PlainBatchHead {
  readonly firstTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstSequence: number;
}

// firstOffset 8, length 4, partitionLeaderEpoch 4, magic 1, crc 4 | attributes 2, lastOffsetDelta 4,
// firstTimestamp 8, maxTimestamp 8, producerId 8, producerEpoch 2, firstSequence 4, count 4
const BATCH_CRC_AT = 17;
const BATCH_BODY_AT = 21;
const BATCH_HEAD_BYTES = 61;

/**
 * An uncompressed Kafka v2 record batch written in one pass into one exactly sized buffer: the same bytes
 * as {@link fastEncoders}' record and batch (a send at a steady rate is one small batch, and their
 * per-record buffers, joined payload and header encoders were most of its encoding cost).
 */
export function encodePlainBatch(records: readonly RecordInput[], head: PlainBatchHead): Buffer {
  const sized = new Array<SizedRecord>(records.length);
  let total = BATCH_HEAD_BYTES;
  for (let i = 0; i < records.length; i++) {
    const input = records[i] as RecordInput;
    const r = sizeRecord(input, i, input.timestampDelta ?? 0);
    total += r.size;
    sized[i] = r;
  }
  const out = Buffer.allocUnsafe(total);
  out.writeBigInt64BE(0n, 0);
  out.writeInt32BE(total - 12, 8);
  out.writeInt32BE(0, 12); // partitionLeaderEpoch
  out.writeInt8(MAGIC_BYTE, 16);
  let off = out.writeInt16BE(COMPRESSION_NONE, BATCH_BODY_AT);
  off = out.writeInt32BE(records.length - 1, off);
  off = out.writeBigInt64BE(BigInt(head.firstTimestamp), off);
  off = out.writeBigInt64BE(BigInt(head.maxTimestamp), off);
  off = out.writeBigInt64BE(BigInt(head.producerId), off);
  off = out.writeInt16BE(head.producerEpoch, off);
  off = out.writeInt32BE(head.firstSequence, off);
  off = out.writeInt32BE(records.length, off);
  for (const r of sized) off = writeRecord(out, off, r);
  // allocUnsafe: a mismatch would send stale memory, so it is an error, never a batch.
  if (off !== total) throw new Error(`record batch encoding wrote ${off} of ${total} bytes`);
  out.writeUInt32BE(crc32c(out.subarray(BATCH_BODY_AT)), BATCH_CRC_AT);
  return out;
}

/** kafkajs' own encoders, kept for the byte-for-byte comparison in the tests. */
export const kafkajsEncoders: { readonly record: RecordFn; readonly recordBatch: RecordBatchFn } = {
  record: require(PATHS.record) as RecordFn,
  recordBatch: (require(PATHS.recordBatch) as { RecordBatch: RecordBatchFn }).RecordBatch,
};

/** The replacements (exported for the tests). */
export const fastEncoders: { readonly record: RecordFn; readonly recordBatch: RecordBatchFn } = {
  record: fastRecord(kafkajsEncoders.record),
  recordBatch: fastRecordBatch,
};

let installed: boolean | undefined;

/**
 * Makes kafkajs' produce request use {@link fastEncoders}; idempotent. It must run before kafkajs loads
 * that request (it does so lazily, at the first send): afterwards, or with another kafkajs version, it
 * changes nothing and returns false (kafkajs' own encoders are then used, correct but slower).
 */
export function installRecordEncoding(): boolean {
  if (installed !== undefined) return installed;
  const version = (require('kafkajs/package.json') as { version: string }).version;
  if (version !== KAFKAJS_VERSION || require.cache[require.resolve(PATHS.produceRequest)]) {
    return (installed = false);
  }
  const recordModule = require.cache[require.resolve(PATHS.record)];
  const batchModule = require.cache[require.resolve(PATHS.recordBatch)];
  if (!recordModule || !batchModule) return (installed = false);
  recordModule.exports = fastEncoders.record;
  batchModule.exports = { ...(batchModule.exports as object), RecordBatch: fastEncoders.recordBatch };
  return (installed = true);
}
