import { backoffDelay, errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { SourcePosition } from './event-source.js';
import type { CollectorMetrics } from './metrics.js';
import { createPositionMarks } from './position-marks.js';
import { createWaker } from './waker.js';

/** One Kafka record as handed to the bus. */
export interface OutboundRecord {
  readonly key: string;
  readonly value: Buffer;
  /** Replaced at dispatch by the queue's checkpoint headers when it keeps positions. */
  headers: Readonly<Record<string, string>>;
}

/** What the queue needs from @kube-herald/bus: resolve once Kafka acknowledged every record. */
export interface EventPublisher {
  publish(topic: string, records: readonly OutboundRecord[]): Promise<unknown>;
  /** Connects without publishing; when present, Kafka counts as unreachable until it (or a publish) succeeds. */
  connect?(): Promise<void>;
}

/** A reserved place in the queue; records leave in reservation order once filled. */
export interface Slot {
  record: OutboundRecord | undefined;
  readonly observedAt: number;
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
  readonly now?: () => number;
  /**
   * Keeps source positions ({@link PublishQueue.mark}): every dispatched record then carries, in this
   * header, the positions whose every earlier record Kafka had acknowledged (checkpoint.ts reads them back).
   */
  readonly checkpointHeader?: string;
  /** While false nothing new is sent (leadership in doubt); polled every 50 ms. */
  readonly mayPublish?: () => boolean;
}

type Failure = { readonly err: unknown } | undefined;

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

/** Creates a {@link PublishQueue}. */
export function createPublishQueue(o: PublishQueueOptions): PublishQueue {
  const now = o.now ?? Date.now;
  const maxRecords = o.maxBatchRecords ?? 1000;
  const maxBytes = o.maxBatchBytes ?? 512 * 1024;
  const maxInFlight = o.maxInFlight ?? 3;
  const capacityBytes = o.capacityBytes ?? Infinity;
  let bytes = 0; // values of the filled slots from `head`
  let slots: Slot[] = [];
  let head = 0;
  let full = false;
  let healthy = o.publisher.connect === undefined;
  let stopped = false;
  let loop: Promise<void> | undefined;
  const waker = createWaker();
  const drainWaiters = new Set<() => void>();
  const size = (): number => slots.length - head;
  const marks = o.checkpointHeader ? createPositionMarks(o.checkpointHeader) : undefined;
  let backingOff = false;
  const poke = (force = false): void => {
    if (backingOff && !force) return; // new records must not cut a retry back-off short
    waker.wake();
  };
  const wait = waker.sleep;

  // Batches handed to the publisher and not yet settled, oldest first. The bus sends them in order, one
  // request each, one at a time; only the oldest is ever acknowledged (a prefix).
  const flights: Array<{
    readonly batch: readonly Slot[];
    readonly gen: number;
    readonly done: Promise<Failure>;
  }> = [];
  let dispatched = 0; // slots from `head` inside flights
  let dispatchedBytes = 0; // their values' bytes
  let tookFull = false; // the last takeReady() stopped at a batch limit (not at the end of what is ready)
  let gen = 0; // bumped by discard(): results of batches sent before are ignored

  const takeReady = (): Slot[] => {
    const batch: Slot[] = [];
    let bytes = 0;
    tookFull = false;
    for (let i = head + dispatched; i < slots.length && batch.length < maxRecords; i++) {
      const s = slots[i] as Slot;
      if (!s.record) break;
      bytes += s.record.value.length;
      if (batch.length > 0 && bytes > maxBytes) {
        tookFull = true;
        break;
      }
      batch.push(s);
    }
    if (batch.length >= maxRecords) tookFull = true;
    return batch;
  };

  // Wakes the flusher only when it would send: nothing in flight, or a full batch waiting behind it.
  const nudge = (): void => {
    if (flights.length === 0 || size() - dispatched >= maxRecords || bytes - dispatchedBytes >= maxBytes) {
      poke();
    }
  };

  const overCapacity = (): boolean => size() >= o.capacity || bytes >= capacityBytes;
  const checkFull = (): void => {
    if (!full && overCapacity()) {
      full = true;
      o.onFull();
    }
  };

  const removeHead = (n: number, removedBytes: number): void => {
    head += n;
    marks?.acked(n);
    bytes -= removedBytes;
    if (head > 4096 && head * 2 > slots.length) {
      slots = slots.slice(head);
      head = 0;
    }
    o.metrics.buffered.set(size());
    if (full && size() <= o.capacity / 2 && bytes <= capacityBytes / 2) {
      full = false;
      o.onDrain();
    }
    if (size() === 0) for (const w of [...drainWaiters]) w();
  };

  const acked = (batch: readonly Slot[]): void => {
    const t = now();
    for (const s of batch) o.metrics.publishLatency.observe(Math.max(0, t - s.observedAt) / 1000);
    o.metrics.eventsPublished.inc(batch.length);
    healthy = true;
    dispatched -= batch.length;
    let removed = 0;
    for (const s of batch) removed += s.record?.value.length ?? 0;
    dispatchedBytes -= removed;
    removeHead(batch.length, removed);
  };

  const dispatch = (batch: readonly Slot[]): void => {
    const records = new Array<OutboundRecord>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const r = (batch[i] as Slot).record as OutboundRecord;
      records[i] = r;
      dispatchedBytes += r.value.length;
    }
    if (marks?.hasSafe()) {
      for (const r of records) r.headers = marks.headersFor(r.headers);
    }
    const done = o.publisher.publish(o.topic, records).then(
      () => undefined,
      (err: unknown) => ({ err }),
    );
    flights.push({ batch, gen, done });
    dispatched += batch.length;
  };

  // Counts and logs a failure, then backs off (new records do not cut the back-off short).
  async function backOff(err: unknown, failures: number, what: string): Promise<void> {
    healthy = false;
    o.metrics.publishFailures.inc({ code: errorCode(err) });
    o.log.warn({ err, failures, buffered: size() }, what);
    backingOff = true;
    const base = o.retryBaseMs ?? 200;
    if (!stopped) await wait(backoffDelay(failures - 1, base, Math.min(10_000, base * 2 ** 8), 0));
    backingOff = false;
  }

  // Settles the oldest batch in flight, unless new records arrive first while there is room for more.
  async function settleOldest(failures: number): Promise<number> {
    const oldest = flights[0] as (typeof flights)[number];
    const room = flights.length < maxInFlight;
    const res = await Promise.race([oldest.done.then((f) => ({ f })), ...(room ? [wait()] : [])]);
    if (!res) return failures;
    flights.shift();
    if (oldest.gen !== gen) return failures;
    if (!res.f && slots[head] === oldest.batch[0]) {
      acked(oldest.batch);
      return 0;
    }
    // Failed: unhealthy at once; let the later batches settle, then resend from the head (at least once).
    healthy = false;
    await Promise.all(flights.map((f) => f.done));
    flights.length = 0;
    dispatched = 0;
    dispatchedBytes = 0;
    await backOff(res.f?.err, failures + 1, 'publish to Kafka failed; keeping the batch and retrying');
    return failures + 1;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      const gated = o.mayPublish !== undefined && !o.mayPublish();
      const batch = flights.length < maxInFlight && !gated ? takeReady() : [];
      // Idle: send at once. In flight: a full batch goes too; the rest waits for the acknowledgement.
      if (batch.length > 0 && (flights.length === 0 || tookFull)) dispatch(batch);
      else if (flights.length > 0) failures = await settleOldest(failures);
      else if (healthy || gated) await wait(gated ? 50 : undefined);
      else {
        try {
          await o.publisher.connect?.(); // idle and not known reachable: prove it
          healthy = true;
          failures = 0;
        } catch (err) {
          failures += 1;
          await backOff(err, failures, 'Kafka unreachable');
        }
      }
    }
  }

  return {
    start() {
      loop ??= run();
    },
    push(observedAt, record) {
      const slot: Slot = { record, observedAt };
      marks?.pushed();
      slots.push(slot);
      if (record) bytes += record.value.length;
      o.metrics.buffered.set(size());
      checkFull();
      if (record) nudge();
      return slot;
    },
    fill(slot, record) {
      slot.record = record;
      bytes += record.value.length;
      checkFull();
      nudge();
    },
    get size() {
      return size();
    },
    get bytes() {
      return bytes;
    },
    kafkaHealthy: () => healthy,
    async flush(timeoutMs) {
      if (size() === 0) return 0;
      let done: (() => void) | undefined;
      const drained = new Promise<void>((resolve) => (done = resolve));
      const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
      drainWaiters.add(done as () => void);
      await Promise.race([drained, timer]);
      drainWaiters.delete(done as () => void);
      return size();
    },
    mark: (position) => marks?.mark(position),
    safePositions: () => marks?.safe() ?? {},
    discard(reason) {
      const n = size();
      if (n > 0) {
        o.metrics.dropped.inc({ reason }, n);
        o.log.warn({ dropped: n, reason }, 'buffered events dropped');
      }
      slots = [];
      head = 0;
      bytes = 0;
      dispatched = 0;
      dispatchedBytes = 0;
      marks?.discard(); // discarded slots are no prefix of anything: their marks never settle
      gen += 1;
      o.metrics.buffered.set(0);
      return n;
    },
    async close() {
      stopped = true;
      poke(true);
      // A publish stuck on an unreachable broker must not hold shutdown; the bus close aborts it.
      await Promise.race([loop, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
    },
  };
}
