import { createRequire } from 'node:module';
import { Partitioners, type Kafka, type Message, type PartitionMetadata } from 'kafkajs';
import type { Logger } from '@kube-herald/logging';
import { backoffDelay, KhError } from '@kube-herald/errors';
import { busError, BusErrorCode } from './errors.js';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-client.js';
import {
  decodeProduceResponse,
  encodeProduceRequest,
  frameRequest,
  encodeRecordBatch,
  PRODUCE_MAX_VERSION,
  PRODUCE_MIN_VERSION,
  type PartitionAnswer,
  type PartitionBatch,
} from './produce-request.js';

// The produce side of a publisher, on kafkajs' cluster (metadata, broker connections, TLS, SASL, request
// timeouts) but not on its producer: partitions, sequences, retries and the Produce request are kept here.
// kafkajs' producer spends more CPU on a send than the send itself (a retrier, per-broker locks, three
// layers of encoders, an answer decoded into strings); at a steady few hundred events/s, one send each,
// that was most of the collector's CPU. It also retries by broker: a partition whose leader moved to a
// broker that answered an earlier attempt was never sent, and the send still resolved. Here every attempt
// sends exactly the partitions not yet acknowledged, to their leaders of the moment.

const require = createRequire(import.meta.url);

/** One `publish` call waiting for the batch that carries it. */
export interface Pending {
  readonly topic: string;
  readonly messages: readonly Message[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Sends one batch and settles its callers' promises. */
export interface BatchSender {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: readonly Pending[], bytes: number): Promise<void>;
}

/** Options of {@link createDirectSender}. */
export interface DirectSenderOptions extends KafkaConnectionOptions {
  /** kafkajs' compression type code (0 none, 1 gzip, 4 zstd). */
  readonly compression: number;
  /** Sends with fewer bytes of keys, values and headers go uncompressed. */
  readonly compressMinBytes: number;
  /** Attempts of one send after the first before it fails as retriable. */
  readonly retries: number;
  /** How long the broker may wait for the in-sync replicas. */
  readonly ackTimeoutMs: number;
}

interface ProtocolError extends Error {
  readonly type: string;
  readonly retriable: boolean;
}
const protocolErrors = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode(this: void, code: number): ProtocolError;
  staleMetadata(this: void, e: unknown): boolean;
};
const { createErrorFromCode, staleMetadata } = protocolErrors;

/** The parts of kafkajs' (internal) Connection, Broker and Cluster this sender uses. */
interface Connection {
  readonly clientId: string;
  readonly sasl?: unknown;
  readonly socket: { write(frame: Buffer): boolean };
  readonly requestQueue: {
    push(request: {
      entry: {
        apiKey: number;
        apiName: string;
        apiVersion: number;
        correlationId: number;
        resolve: (answer: { payload: Buffer }) => void;
        reject: (err: unknown) => void;
      };
      expectResponse: boolean;
      requestTimeout: number | null;
      sendRequest: () => void;
    }): void;
    maybeThrottle(ms: number): void;
  };
  isConnected(): boolean;
  isAuthenticated(): boolean;
  nextCorrelationId(): number;
}
interface Broker {
  readonly nodeId: number;
  readonly versions: Record<number, { minVersion: number; maxVersion: number } | undefined> | null;
  readonly connectionPool: {
    send(request: unknown): Promise<PartitionAnswer[]>;
    getConnection(): Promise<Connection>;
  };
  initProducerId(args: {
    transactionTimeout: number;
  }): Promise<{ producerId: string; producerEpoch: number }>;
}
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(args: { nodeId: number }): Promise<Broker>;
  findControllerBroker(): Promise<Broker>;
  removeBroker(args: { host: string; port: number }): void;
}

const CREATE_CLUSTER = 'private:Kafka:createCluster';

/** kafkajs' cluster of `kafka`, made as its producer makes one (internal API of kafkajs 2.2.4). */
function clusterOf(kafka: Kafka): Cluster {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const create = key && (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof create !== 'function') throw new Error(`kafkajs has no ${CREATE_CLUSTER} (not 2.2.4?)`);
  return (create as (o: object) => Cluster)({
    metadataMaxAge: 10_000,
    allowAutoTopicCreation: false,
    maxInFlightRequests: 1,
  });
}

// Answers after which the broker refuses every later send of this producer id: only a new producer id
// (sequences from 0) gets the partition going again.
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);
// The batch was written before (a resend of the same sequence): as good as an acknowledgement.
const DUPLICATE_SEQUENCE_NUMBER = 46;
const INT32_MAX = 2 ** 31 - 1;
// Keys whose partition is remembered (per sender); cleared when full.
const PARTITION_MEMO_SIZE = 50_000;
const TRANSACTION_TIMEOUT_MS = 60_000;

/** A failure the broker or the connection may not repeat (kafkajs marks its errors `retriable`). */
function isRetriable(err: unknown): boolean {
  if (err instanceof KhError) return err.verdict === 'retry';
  return err instanceof Error && 'retriable' in err && err.retriable === true;
}

// Resends of one batch with a new producer id before its callers get the failure.
const MAX_RESENDS = 3;

/** Whether `err` comes from the producer id's state (a new producer id is the way on). */
export function isProducerStateError(err: unknown): boolean {
  return err instanceof Error && 'type' in err && PRODUCER_STATE_ERRORS.has(String(err.type));
}

/** Chooses a message's partition; `remembered()` is how many keys' answers it holds (≤ its limit). */
export interface PartitionChooser {
  (topic: string, metadata: PartitionMetadata[], m: Message): number;
  remembered(): number;
}

/**
 * Java-compatible murmur2 partitioning, each string key's answer remembered per partition count: at most
 * `limit` keys (50,000 by default), all forgotten at once when full.
 */
export function createPartitionChooser(limit = PARTITION_MEMO_SIZE): PartitionChooser {
  const partition = Partitioners.DefaultPartitioner();
  const memo = new Map<string, number>();
  const choose = (topic: string, partitionMetadata: PartitionMetadata[], message: Message): number => {
    const key = message.key;
    if (typeof key !== 'string') return partition({ topic, partitionMetadata, message });
    const memoKey = `${partitionMetadata.length}/${key}`;
    let chosen = memo.get(memoKey);
    if (chosen === undefined) {
      chosen = partition({ topic, partitionMetadata, message });
      if (memo.size >= limit) memo.clear();
      memo.set(memoKey, chosen);
    }
    return chosen;
  };
  return Object.assign(choose, { remembered: () => memo.size });
}

/** The messages of one partition in a send, and whether the broker has them. */
interface PartitionSend {
  readonly topic: string;
  readonly partition: number;
  readonly messages: Message[];
  done: boolean;
}

/**
 * A {@link BatchSender}: an idempotent producer (`acks: -1`, one producer id, a sequence per partition) on
 * kafkajs' cluster. A send is retried up to `retries` times, each attempt with the partitions still
 * unacknowledged and the same sequences (the broker drops what it already has); after a failed send the
 * next one gets a new producer id, because a write may have landed without its answer.
 */
export function createDirectSender(options: DirectSenderOptions, log: Logger): BatchSender {
  const cluster = clusterOf(createKafkaClient(options));
  const choose = createPartitionChooser();
  const targets = new Set<string>();
  let current: { id: string; epoch: number } | undefined;
  let sequences = new Map<string, number>();
  let renew = false;

  async function producerId(): Promise<{ id: string; epoch: number }> {
    if (current && !renew) return current;
    const answer = await initProducerId();
    if (current) log.warn('publisher took a new producer id after a failed send');
    current = { id: answer.producerId, epoch: answer.producerEpoch };
    sequences = new Map();
    renew = false;
    return current;
  }

  /**
   * Runs `step` until it succeeds or fails for good (not retriable, `final`, or `options.retries` spent),
   * backing off and refreshing the cluster's view between tries.
   */
  async function retrying<T>(
    step: () => Promise<T>,
    final: (err: unknown) => boolean,
    what?: string,
  ): Promise<T> {
    for (let tries = 0; ; tries += 1) {
      try {
        return await step();
      } catch (err) {
        if (!isRetriable(err) || final(err) || tries >= options.retries) throw err;
        if (what !== undefined) log.warn({ err, tries }, what);
        await new Promise((r) => setTimeout(r, backoffDelay(tries, 300, 10_000)));
        await recover(err).catch((e: unknown) => log.warn({ err: e }, 'refreshing Kafka metadata failed'));
      }
    }
  }

  // A broker that has just started answers COORDINATOR_LOAD_IN_PROGRESS (and the like) for a while.
  function initProducerId(): Promise<{ producerId: string; producerEpoch: number }> {
    return retrying(
      async () => {
        await cluster.refreshMetadataIfNecessary();
        const broker = await cluster.findControllerBroker();
        return broker.initProducerId({ transactionTimeout: TRANSACTION_TIMEOUT_MS });
      },
      () => false,
    );
  }

  async function partitionsOf(batch: readonly Pending[]): Promise<PartitionSend[]> {
    for (const p of batch) {
      if (!targets.has(p.topic)) {
        await cluster.addTargetTopic(p.topic);
        targets.add(p.topic);
      }
    }
    await cluster.refreshMetadataIfNecessary();
    const byPartition = new Map<string, PartitionSend>();
    for (const p of batch) {
      const metadata = cluster.findTopicPartitionMetadata(p.topic);
      if (metadata.length === 0) {
        throw busError(BusErrorCode.publishFailed, `no metadata for topic ${p.topic}`, undefined, 'retry');
      }
      for (const m of p.messages) {
        const partition = choose(p.topic, metadata, m);
        const id = `${p.topic}/${partition}`;
        let entry = byPartition.get(id);
        if (!entry) byPartition.set(id, (entry = { topic: p.topic, partition, messages: [], done: false }));
        entry.messages.push(m);
      }
    }
    return [...byPartition.values()];
  }

  function leaderOf(s: PartitionSend): number {
    const meta = cluster.findTopicPartitionMetadata(s.topic).find((m) => m.partitionId === s.partition);
    if (!meta || meta.leader < 0) {
      throw Object.assign(new Error(`no leader for ${s.topic}/${s.partition}`), { retriable: true });
    }
    return meta.leader;
  }

  /** One produce request to `broker` with `sends`; marks the acknowledged ones done. */
  async function produceTo(
    broker: Broker,
    sends: PartitionSend[],
    { id, epoch }: { id: string; epoch: number },
    compression: number,
  ): Promise<void> {
    const version = Math.min(PRODUCE_MAX_VERSION, broker.versions?.[0]?.maxVersion ?? PRODUCE_MAX_VERSION);
    if (version < PRODUCE_MIN_VERSION) {
      throw busError(BusErrorCode.publishFailed, `broker ${broker.nodeId} offers no Produce v3+`);
    }
    const topics = new Map<string, PartitionBatch[]>();
    for (const s of sends) {
      const firstSequence = sequences.get(`${s.topic}/${s.partition}`) ?? 0;
      const batch = await encodeRecordBatch(s.messages, {
        compression,
        producerId: id,
        producerEpoch: epoch,
        firstSequence,
      });
      const list = topics.get(s.topic) ?? [];
      list.push({ partition: s.partition, batch });
      topics.set(s.topic, list);
    }
    const body = encodeProduceRequest({
      acks: -1,
      timeoutMs: options.ackTimeoutMs,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    });
    const answers = await request(broker, version, body);
    settle(sends, answers);
  }

  /**
   * Sends a Produce request on the broker's connection and reads its answer. A connected (and, with SASL,
   * authenticated) connection gets the request framed here and queued as kafkajs queues its own (same
   * correlation ids, in-flight limit, timeout, answer matching); otherwise kafkajs' `send` connects and
   * authenticates first.
   */
  async function request(broker: Broker, version: number, body: Buffer): Promise<PartitionAnswer[]> {
    const conn = await broker.connectionPool.getConnection();
    if (!conn.isConnected() || (conn.sasl && !conn.isAuthenticated())) {
      return broker.connectionPool.send({
        request: {
          apiKey: PRODUCE_API_KEY,
          apiVersion: version,
          apiName: 'Produce',
          expectResponse: () => true,
          encode: () => Promise.resolve(bufferEncoder(body)),
        },
        response: {
          decode: (raw: Buffer) => Promise.resolve(decodeProduceResponse(raw, version)),
          parse: (data: PartitionAnswer[]) => Promise.resolve(data),
        },
      });
    }
    const correlationId = conn.nextCorrelationId();
    const frame = frameRequest(PRODUCE_API_KEY, version, correlationId, conn.clientId, body);
    const { payload } = await new Promise<{ payload: Buffer }>((resolve, reject) => {
      conn.requestQueue.push({
        entry: {
          apiKey: PRODUCE_API_KEY,
          apiName: 'Produce',
          apiVersion: version,
          correlationId,
          resolve,
          reject,
        },
        expectResponse: true,
        requestTimeout: null,
        sendRequest: () => conn.socket.write(frame),
      });
    });
    const throttleMs = produceThrottleMs(payload);
    // KIP-219: from Produce v6 the client waits out a quota's throttle time before its next request.
    if (version >= 6 && throttleMs > 0) conn.requestQueue.maybeThrottle(throttleMs);
    return decodeProduceResponse(payload, version);
  }

  /** Applies a produce answer: acknowledged partitions are done; the first error is thrown. */
  function settle(sends: PartitionSend[], answers: PartitionAnswer[]): void {
    let failure: ProtocolError | undefined;
    for (const s of sends) {
      const a = answers.find((x) => x.topic === s.topic && x.partition === s.partition);
      if (a === undefined) {
        failure ??= Object.assign(new Error(`no answer for ${s.topic}/${s.partition}`), {
          type: 'NO_ANSWER',
          retriable: true,
        });
        continue;
      }
      if (a.errorCode === 0 || a.errorCode === DUPLICATE_SEQUENCE_NUMBER) {
        const id = `${s.topic}/${s.partition}`;
        const next = (sequences.get(id) ?? 0) + s.messages.length;
        sequences.set(id, next > INT32_MAX ? next - INT32_MAX - 1 : next);
        s.done = true;
      } else {
        failure ??= createErrorFromCode(a.errorCode);
      }
    }
    if (failure) throw failure;
  }

  /** One attempt: every unacknowledged partition to its leader of the moment, brokers in parallel. */
  async function attempt(sends: PartitionSend[], compression: number): Promise<void> {
    const producer = await producerId();
    const byLeader = new Map<number, PartitionSend[]>();
    for (const s of sends) {
      if (s.done) continue;
      const leader = leaderOf(s);
      const list = byLeader.get(leader) ?? [];
      list.push(s);
      byLeader.set(leader, list);
    }
    const results = await Promise.allSettled(
      [...byLeader].map(async ([nodeId, list]) =>
        produceTo(await cluster.findBroker({ nodeId }), list, producer, compression),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async function recover(err: unknown): Promise<void> {
    if (
      err instanceof Error &&
      err.name === 'KafkaJSConnectionClosedError' &&
      'host' in err &&
      'port' in err
    ) {
      cluster.removeBroker({ host: String(err.host), port: Number(err.port) });
    }
    if (!cluster.isConnected()) await cluster.connect();
    if (staleMetadata(err) || !(err instanceof Error && 'type' in err)) await cluster.refreshMetadata();
  }

  async function send(batch: readonly Pending[], bytes: number): Promise<void> {
    const compression = bytes < options.compressMinBytes ? 0 : options.compression;
    const sends = await partitionsOf(batch);
    await retrying(
      () => attempt(sends, compression),
      isProducerStateError,
      'a produce attempt failed; retrying the unacknowledged partitions',
    );
  }

  // On a producer-state failure, resends the same batch at once with a new producer id, so the batches
  // queued behind it keep their order.
  async function sendBatch(batch: readonly Pending[], bytes: number): Promise<void> {
    for (let resend = 0; ; resend += 1) {
      try {
        await send(batch, bytes);
        for (const p of batch) p.resolve();
        return;
      } catch (err) {
        // A write may have landed without its answer: the next send starts a new producer id.
        renew = true;
        const again = isProducerStateError(err) && resend < MAX_RESENDS;
        const topics = [...new Set(batch.map((p) => p.topic))];
        const count = batch.reduce((n, p) => n + p.messages.length, 0);
        log.warn({ err, topics, count, resend, again }, 'publishing a batch failed');
        if (again) continue;
        const verdict = isRetriable(err) || isProducerStateError(err) ? 'retry' : 'permanent';
        const wrapped = busError(
          BusErrorCode.publishFailed,
          `publishing ${count} message(s) to ${topics.join(',')} failed`,
          err,
          verdict,
        );
        for (const p of batch) p.reject(wrapped);
        return;
      }
    }
  }

  return {
    connect: async () => {
      await cluster.connect();
      await producerId();
    },
    disconnect: () => cluster.disconnect(),
    sendBatch,
  };
}

const PRODUCE_API_KEY = 0;

/** The throttle time at the end of a Produce answer (v1+). */
function produceThrottleMs(payload: Buffer): number {
  return payload.length >= 4 ? payload.readInt32BE(payload.length - 4) : 0;
}

/** What kafkajs' request header expects from `encode()`: an Encoder-like holding exactly `buf`. */
function bufferEncoder(buf: Buffer): { buf: Buffer; offset: number; readonly buffer: Buffer } {
  return { buf, offset: buf.length, buffer: buf };
}
