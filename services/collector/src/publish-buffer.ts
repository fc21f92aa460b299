import type { CollectorMetrics } from './metrics.js';
import type { PositionMarks } from './position-marks.js';

/** One Kafka record as handed to the bus. */
export interface OutboundRecord {
  readonly key: string;
  readonly value: Buffer;
  /** Replaced at dispatch by the queue's checkpoint headers when it keeps positions. */
  headers: Readonly<Record<string, string>>;
}

/** A reserved place in the queue; records leave in reservation order once filled. */
export interface Slot {
  record: OutboundRecord | undefined;
  readonly observedAt: number;
}

/** Options of {@link createSlotBuffer}: the publish queue's bounds and its full/drained callbacks. */
export interface SlotBufferOptions {
  readonly capacity: number;
  readonly capacityBytes: number;
  readonly metrics: CollectorMetrics;
  readonly onFull: () => void;
  readonly onDrain: () => void;
  readonly marks: PositionMarks | undefined;
}

/**
 * The publish queue's slots, oldest first, bounded in records and in bytes of their values: it calls
 * `onFull` once when a bound is reached and `onDrain` once when both are back at half.
 */
export interface SlotBuffer {
  readonly size: number;
  /** Bytes of the filled slots' values. */
  readonly bytes: number;
  /** The slot `offset` places after the oldest (undefined past the newest). */
  at(offset: number): Slot | undefined;
  push(slot: Slot): void;
  /** A reserved slot got its record. */
  filled(record: OutboundRecord): void;
  /** The `n` oldest slots were acknowledged; `removedBytes` are their values' bytes. */
  removeHead(n: number, removedBytes: number): void;
  /** Drops every slot; returns how many there were. */
  clear(): number;
  /** Waits until empty or `timeoutMs`; resolves with what is left. */
  drained(timeoutMs: number): Promise<number>;
}

/** Creates a {@link SlotBuffer}. */
export function createSlotBuffer(o: SlotBufferOptions): SlotBuffer {
  let slots: Slot[] = [];
  let head = 0;
  let bytes = 0;
  let full = false;
  const drainWaiters = new Set<() => void>();
  const size = (): number => slots.length - head;

  const checkFull = (): void => {
    if (!full && (size() >= o.capacity || bytes >= o.capacityBytes)) {
      full = true;
      o.onFull();
    }
  };

  return {
    get size() {
      return size();
    },
    get bytes() {
      return bytes;
    },
    at: (offset) => slots[head + offset],
    push(slot) {
      o.marks?.pushed();
      slots.push(slot);
      if (slot.record) bytes += slot.record.value.length;
      o.metrics.buffered.set(size());
      checkFull();
    },
    filled(record) {
      bytes += record.value.length;
      checkFull();
    },
    removeHead(n, removedBytes) {
      head += n;
      o.marks?.acked(n);
      bytes -= removedBytes;
      if (head > 4096 && head * 2 > slots.length) {
        slots = slots.slice(head);
        head = 0;
      }
      o.metrics.buffered.set(size());
      if (full && size() <= o.capacity / 2 && bytes <= o.capacityBytes / 2) {
        full = false;
        o.onDrain();
      }
      if (size() === 0) for (const w of [...drainWaiters]) w();
    },
    clear() {
      const n = size();
      slots = [];
      head = 0;
      bytes = 0;
      o.marks?.discard(); // discarded slots are no prefix of anything: their marks never settle
      o.metrics.buffered.set(0);
      return n;
    },
    async drained(timeoutMs) {
      if (size() === 0) return 0;
      let done: (() => void) | undefined;
      const drained = new Promise<void>((resolve) => (done = resolve));
      const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
      drainWaiters.add(done as () => void);
      await Promise.race([drained, timer]);
      drainWaiters.delete(done as () => void);
      return size();
    },
  };
}
