import { backoffDelay, errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { SourcePosition } from './event-source.js';
import type { CollectorMetrics } from './metrics.js';
import { createPositionMarks } from './position-marks.js';
import { createSlotBuffer, type OutboundRecord, type Slot, type SlotBuffer } from './publish-buffer.js';
import { createFlights, type Flight, type Flights } from './publish-flights.js';
import { createWaker } from './waker.js';

export type { OutboundRecord, Slot } from './publish-buffer.js';

/** What the queue needs from @kube-herald/bus: resolve once Kafka acknowledged every record. */
export interface EventPublisher {
  publish(topic: string, records: readonly OutboundRecord[]): Promise<unknown>;
  /** Connects without publishing; when present, Kafka counts as unreachable until it (or a publish) succeeds. */
  connect?(): Promise<void>;
}

/** Options of {@link createPublishQueue}. */
export interface PublishQueueOptions {
  readonly publisher: EventPublisher;
  readonly topic: string;
  readonly capacity: number;
  /** Also full when the buffered records' values reach this many bytes (default: no byte bound). */
  readonly capacityBytes?: number;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  /** Called once when the queue reaches capacity, in records or bytes (stop reading). */
  readonly onFull: () => void;
  /** Called once when a full queue has drained to half, in records and bytes (read again). */
  readonly onDrain: () => void;
  readonly maxBatchRecords?: number;
  readonly maxBatchBytes?: number;
  readonly retryBaseMs?: number;
  /**
   * Batches handed to the publisher before the oldest is acknowledged (default 3). Only the first goes out
   * as soon as anything is ready; while one is in flight, what arrives waits for its acknowledgement and
   * goes as one batch, unless a full batch (`maxBatchRecords` or `maxBatchBytes`) is ready: at a steady
   * rate one produce request carries what arrived during the previous one, a burst still keeps several
   * full batches in flight.
   */
  readonly maxInFlight?: number;
  /**
   * With nothing in flight, the oldest ready record waits up to this long for others to share its produce
   * request (default 0: sent at once). Each request costs a socket write and the broker's round trip:
   * at a steady rate a few milliseconds here take several events per request.
   */
  readonly lingerMs?: number;
  readonly now?: () => number;
  /**
   * Keeps source positions ({@link PublishQueue.mark}): every dispatched record then carries, in this
   * header, the positions whose every earlier record Kafka had acknowledged (checkpoint.ts reads them back).
   */
  readonly checkpointHeader?: string;
  /** While false nothing new is sent (leadership in doubt); polled every 50 ms. */
  readonly mayPublish?: () => boolean;
}

/** The bounded, ordered buffer between the pipeline and Kafka, with its single flusher. */
export interface PublishQueue {
  start(): void;
  push(observedAt: number, record?: OutboundRecord): Slot;
  fill(slot: Slot, record: OutboundRecord): void;
  readonly size: number;
  /** Bytes of the buffered records' values. */
  readonly bytes: number;
  /** False after a failed publish until the next acknowledged one. */
  kafkaHealthy(): boolean;
  /** Waits until empty or `timeoutMs`; resolves with what is left. */
  flush(timeoutMs: number): Promise<number>;
  /**
   * Records a source position reached after every slot pushed so far: it becomes safe (part of the
   * checkpoint) once those are acknowledged.
   */
  mark(position: SourcePosition): void;
  /** Per scope, the last position whose earlier records are all acknowledged. */
  safePositions(): Readonly<Record<string, string>>;
  /** Empties the queue, counting every record as `dropped{reason}`; returns how many. */
  discard(reason: string): number;
  close(): Promise<void>;
}

/** The queue's single flusher: sends what is ready, settles what is in flight, backs off on failure. */
interface Flusher {
  start(): void;
  /** New records: wakes the flusher when it would send (nothing in flight, or a full batch waiting). */
  nudge(): void;
  healthy(): boolean;
  close(): Promise<void>;
}

function createFlusher(o: PublishQueueOptions, flights: Flights, buffer: SlotBuffer): Flusher {
  const maxInFlight = o.maxInFlight ?? 3;
  const lingerMs = o.lingerMs ?? 0;
  const now = o.now ?? Date.now;
  const waker = createWaker();
  const wait = waker.sleep;
  let healthy = o.publisher.connect === undefined;
  let stopped = false;
  let backingOff = false;
  let loop: Promise<void> | undefined;
  const poke = (force = false): void => {
    if (backingOff && !force) return; // new records must not cut a retry back-off short
    waker.wake();
  };

  // Counts and logs a failure, then backs off (new records do not cut the back-off short).
  async function backOff(err: unknown, failures: number, what: string): Promise<void> {
    healthy = false;
    o.metrics.publishFailures.inc({ code: errorCode(err) });
    o.log.warn({ err, failures, buffered: buffer.size }, what);
    backingOff = true;
    const base = o.retryBaseMs ?? 200;
    if (!stopped) await wait(backoffDelay(failures - 1, base, Math.min(10_000, base * 2 ** 8), 0));
    backingOff = false;
  }

  // Settles the oldest batch in flight, unless new records arrive first while there is room for more.
  async function settleOldest(failures: number): Promise<number> {
    const oldest = flights.list[0] as Flight;
    const room = flights.list.length < maxInFlight;
    const res = await Promise.race([oldest.done.then((f) => ({ f })), ...(room ? [wait()] : [])]);
    if (!res) return failures;
    const outcome = flights.settleOldest(res.f);
    if (outcome === 'stale') return failures;
    if (outcome === 'acked') {
      healthy = true;
      return 0;
    }
    // Failed: unhealthy at once; let the later batches settle, then resend from the head (at least once).
    healthy = false;
    await Promise.all(flights.list.map((f) => f.done));
    flights.reset();
    await backOff(res.f?.err, failures + 1, 'publish to Kafka failed; keeping the batch and retrying');
    return failures + 1;
  }

  // Idle and not known reachable: prove it.
  async function probe(failures: number): Promise<number> {
    try {
      await o.publisher.connect?.();
      healthy = true;
      return 0;
    } catch (err) {
      await backOff(err, failures + 1, 'Kafka unreachable');
      return failures + 1;
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      const gated = o.mayPublish !== undefined && !o.mayPublish();
      const ready = flights.list.length < maxInFlight && !gated ? flights.takeReady() : undefined;
      // Idle: send at once. In flight: a full batch goes too; the rest waits for the acknowledgement.
      if (ready && ready.batch.length > 0 && (flights.list.length === 0 || ready.full)) {
        const left = ready.full ? 0 : lingerMs - (now() - (ready.batch[0] as Slot).observedAt);
        if (left > 0) await wait(left);
        else flights.dispatch(ready.batch);
      } else if (flights.list.length > 0) failures = await settleOldest(failures);
      else if (healthy || gated) await wait(gated ? 50 : undefined);
      else failures = await probe(failures);
    }
  }

  return {
    start() {
      loop ??= run();
    },
    nudge() {
      if (flights.list.length === 0 || flights.fullReady()) poke();
    },
    healthy: () => healthy,
    async close() {
      stopped = true;
      poke(true);
      // A publish stuck on an unreachable broker must not hold shutdown; the bus close aborts it.
      await Promise.race([loop, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
    },
  };
}

/** Creates a {@link PublishQueue}. */
export function createPublishQueue(o: PublishQueueOptions): PublishQueue {
  const marks = o.checkpointHeader ? createPositionMarks(o.checkpointHeader) : undefined;
  const buffer = createSlotBuffer({
    capacity: o.capacity,
    capacityBytes: o.capacityBytes ?? Infinity,
    metrics: o.metrics,
    onFull: o.onFull,
    onDrain: o.onDrain,
    marks,
  });
  const flights = createFlights({
    buffer,
    marks,
    metrics: o.metrics,
    send: (records) => o.publisher.publish(o.topic, records),
    now: o.now ?? Date.now,
    maxBatchRecords: o.maxBatchRecords ?? 1000,
    maxBatchBytes: o.maxBatchBytes ?? 512 * 1024,
  });
  const flusher = createFlusher(o, flights, buffer);

  return {
    start: () => flusher.start(),
    push(observedAt, record) {
      const slot: Slot = { record, observedAt };
      buffer.push(slot);
      if (record) flusher.nudge();
      return slot;
    },
    fill(slot, record) {
      slot.record = record;
      buffer.filled(record);
      flusher.nudge();
    },
    get size() {
      return buffer.size;
    },
    get bytes() {
      return buffer.bytes;
    },
    kafkaHealthy: () => flusher.healthy(),
    flush: (timeoutMs) => buffer.drained(timeoutMs),
    mark: (position) => marks?.mark(position),
    safePositions: () => marks?.safe() ?? {},
    discard(reason) {
      const n = buffer.size;
      if (n > 0) {
        o.metrics.dropped.inc({ reason }, n);
        o.log.warn({ dropped: n, reason }, 'buffered events dropped');
      }
      buffer.clear();
      flights.discarded();
      return n;
    },
    close: () => flusher.close(),
  };
}
