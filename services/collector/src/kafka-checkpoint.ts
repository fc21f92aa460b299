import {
  createKafkaAdmin,
  createKafkaRangeReader,
  type BusRecord,
  type KafkaConnectionOptions,
} from '@kube-herald/bus';
import { CHECKPOINT_HEADER, decodePositions, type Checkpoint, type CheckpointStore } from './checkpoint.js';

/** Options of {@link createKafkaCheckpointStore}. */
export interface KafkaCheckpointOptions extends KafkaConnectionOptions {
  readonly topic: string;
  /** Only records keyed `<clusterId>/…` are this cluster's. */
  readonly clusterId: string;
  /** Records read back from the end of each partition. */
  readonly tailPerPartition: number;
  /** Records older than this (by timestamp) are not read. */
  readonly maxAgeMs: number;
  readonly now?: () => number;
}

const OCCURRENCE_ID = /"occurrenceId":"([0-9a-f]{16,64})"/;

/**
 * The checkpoint kept in the events topic itself: Kafka already holds what was published. The tail of
 * every partition (at most `tailPerPartition` records, none older than `maxAgeMs`) is read back; this
 * cluster's records give their occurrenceIds (the duplicates a resumed watch would publish again) and, in
 * their {@link CHECKPOINT_HEADER}, the positions acknowledged before they were sent — the latest (broker
 * timestamp, then offset) is where to resume. Any of them is a safe resume point: the latest only re-reads least.
 */
export function createKafkaCheckpointStore(o: KafkaCheckpointOptions): CheckpointStore {
  const now = o.now ?? Date.now;
  const prefix = `${o.clusterId}/`;
  return {
    async load(): Promise<Checkpoint | undefined> {
      const admin = createKafkaAdmin({ ...o, clientId: `${o.clientId}-checkpoint` });
      let start: Map<number, bigint>;
      let end: Map<number, bigint>;
      try {
        if (!(await admin.topicExists(o.topic))) return undefined;
        const ends = await admin.endOffsets(o.topic);
        const byTime = await admin.offsetsForTime(o.topic, now() - o.maxAgeMs);
        end = new Map(ends.map((p) => [p.partition, BigInt(p.offset)]));
        start = new Map();
        for (const p of byTime) {
          const e = end.get(p.partition) ?? 0n;
          const tail = e - BigInt(o.tailPerPartition);
          const t = BigInt(p.offset);
          start.set(p.partition, t > tail ? t : tail > 0n ? tail : 0n);
        }
      } finally {
        await admin.close();
      }
      const ids: string[] = [];
      let best: { ts: number; offset: bigint; positions: Record<string, string> } | undefined;
      const onRecord = (r: BusRecord): void => {
        if (!r.key?.startsWith(prefix)) return;
        const id = OCCURRENCE_ID.exec(r.value?.toString('utf8', 0, Math.min(r.value.length, 400)) ?? '');
        if (id?.[1]) ids.push(id[1]);
        const positions = decodePositions(r.headers[CHECKPOINT_HEADER]);
        const offset = BigInt(r.offset);
        if (
          positions &&
          (!best || r.timestamp > best.ts || (r.timestamp === best.ts && offset > best.offset))
        ) {
          best = { ts: r.timestamp, offset, positions };
        }
      };
      const reader = createKafkaRangeReader({ ...o, clientId: `${o.clientId}-checkpoint`, start, end });
      try {
        await reader.run((records) => {
          for (const r of records) onRecord(r);
          return Promise.resolve();
        });
      } finally {
        await reader.close();
      }
      if (!best && ids.length === 0) return undefined;
      return { positions: best?.positions ?? {}, occurrenceIds: ids, ...(best ? { at: best.ts } : {}) };
    },
  };
}
