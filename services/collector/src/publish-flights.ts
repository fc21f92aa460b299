import type { CollectorMetrics } from './metrics.js';
import type { PositionMarks } from './position-marks.js';
import type { OutboundRecord, Slot, SlotBuffer } from './publish-buffer.js';

/** A failed publish (its error), or undefined when Kafka acknowledged the batch. */
export type Failure = { readonly err: unknown } | undefined;

/** One batch handed to the publisher and not yet settled. */
export interface Flight {
  readonly batch: readonly Slot[];
  /** The discard generation it was sent in: results of batches sent before a discard are ignored. */
  readonly gen: number;
  readonly done: Promise<Failure>;
}

/** Options of {@link createFlights}. */
export interface FlightsOptions {
  readonly buffer: SlotBuffer;
  readonly marks: PositionMarks | undefined;
  readonly metrics: CollectorMetrics;
  readonly send: (records: readonly OutboundRecord[]) => Promise<unknown>;
  readonly now: () => number;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
}

/**
 * The batches in flight, oldest first, over the buffer's oldest slots. The bus sends them in order, one
 * request each, one at a time; only the oldest is ever acknowledged (a prefix of the buffer).
 */
export interface Flights {
  readonly list: readonly Flight[];
  readonly gen: number;
  /** The ready slots behind those in flight, up to one batch; `full` when a batch bound stopped it. */
  takeReady(): { readonly batch: Slot[]; readonly full: boolean };
  /** A full batch is waiting behind what is in flight. */
  fullReady(): boolean;
  dispatch(batch: readonly Slot[]): void;
  /**
   * Takes the oldest flight off with its result: `stale` when sent before a discard (ignored), `acked` when
   * Kafka acknowledged it (its slots leave the buffer), else `failed` (its slots stay, to be resent).
   */
  settleOldest(failure: Failure): 'stale' | 'acked' | 'failed';
  /** After a failure, once every flight settled: nothing is in flight, everything is resent. */
  reset(): void;
  /** The buffer was emptied: what is in flight no longer counts. */
  discarded(): void;
}

/** Creates {@link Flights}. */
export function createFlights(o: FlightsOptions): Flights {
  const list: Flight[] = [];
  let dispatched = 0; // slots from the buffer's head inside flights
  let dispatchedBytes = 0; // their values' bytes
  let gen = 0;

  const acked = (batch: readonly Slot[]): void => {
    const t = o.now();
    for (const s of batch) o.metrics.publishLatency.observe(Math.max(0, t - s.observedAt) / 1000);
    o.metrics.eventsPublished.inc(batch.length);
    dispatched -= batch.length;
    let removed = 0;
    for (const s of batch) removed += s.record?.value.length ?? 0;
    dispatchedBytes -= removed;
    o.buffer.removeHead(batch.length, removed);
  };

  return {
    list,
    get gen() {
      return gen;
    },
    takeReady() {
      const batch: Slot[] = [];
      let bytes = 0;
      for (let k = dispatched; batch.length < o.maxBatchRecords; k++) {
        const s = o.buffer.at(k);
        if (!s?.record) break;
        bytes += s.record.value.length;
        if (batch.length > 0 && bytes > o.maxBatchBytes) return { batch, full: true };
        batch.push(s);
      }
      return { batch, full: batch.length >= o.maxBatchRecords };
    },
    fullReady: () =>
      o.buffer.size - dispatched >= o.maxBatchRecords || o.buffer.bytes - dispatchedBytes >= o.maxBatchBytes,
    dispatch(batch) {
      const records = new Array<OutboundRecord>(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const r = (batch[i] as Slot).record as OutboundRecord;
        records[i] = r;
        dispatchedBytes += r.value.length;
      }
      if (o.marks?.hasSafe()) {
        for (const r of records) r.headers = o.marks.headersFor(r.headers);
      }
      const done = o.send(records).then(
        () => undefined,
        (err: unknown) => ({ err }),
      );
      list.push({ batch, gen, done });
      dispatched += batch.length;
    },
    settleOldest(failure) {
      const oldest = list.shift() as Flight;
      if (oldest.gen !== gen) return 'stale';
      if (failure || o.buffer.at(0) !== oldest.batch[0]) return 'failed';
      acked(oldest.batch);
      return 'acked';
    },
    reset() {
      list.length = 0;
      dispatched = 0;
      dispatchedBytes = 0;
    },
    discarded() {
      dispatched = 0;
      dispatchedBytes = 0;
      gen += 1;
    },
  };
}
