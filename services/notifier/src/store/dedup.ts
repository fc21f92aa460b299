import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Dedup by event uid (record side of the group store): per (event uid, receiver) the highest count
 * recorded, in sharded hashes per time bucket (see the layout in `group-scripts.ts`). Memory follows the
 * event uids active within `dedup.ttl`, not every occurrence: a repeat (count + 1) updates one field.
 */

/** Shards per bucket: small hashes stay listpack-encoded (compact) up to ~128 fields each. */
export const DEDUP_SHARDS = 4096;

/** Bucket length: half the TTL, so that 3 buckets cover it (a uid is kept ttl to 1.5 ttl). */
export const bucketMs = (ttlMs: number): number => Math.max(1000, Math.ceil(ttlMs / 2));

/** The hashed uid (12 base64 chars, 72 bits) and its shard, for `dedupKey` (or the occurrenceId). */
export function dedupField(key: string): { readonly u: string; readonly sh: number } {
  const d = createHash('sha1').update(key).digest();
  return { u: d.toString('base64', 0, 9), sh: d.readUInt16BE(10) % DEDUP_SHARDS };
}

/** A read-only dedup question (see `GroupStore.seen`). */
export interface DedupQuery {
  readonly occurrenceId: string;
  readonly receivers: readonly string[];
  readonly dedupKey?: string;
  readonly count?: number;
}

/** What {@link seenMarks} answers per query. */
export interface SeenAnswer {
  readonly fresh: boolean;
  readonly deduped: readonly string[];
}

interface Probe {
  readonly fields: readonly string[];
  readonly legacy: readonly string[];
}

function probes(q: DedupQuery): Probe[] {
  const { u } = dedupField(q.dedupKey ?? q.occurrenceId);
  if (q.receivers.length === 0) return [{ fields: [u], legacy: [`seenx:${q.occurrenceId}`] }];
  return q.receivers.map((r) => ({
    fields: [`${u}|${r}`],
    legacy: [`seen:${q.occurrenceId}:${r}`, `seen:${q.occurrenceId}`],
  }));
}

/** Reads what RECORD_BATCH would decide without force: which receivers already had each occurrence. */
export async function seenMarks(
  redis: Redis,
  mp: string,
  ttlMs: number,
  queries: readonly DedupQuery[],
): Promise<SeenAnswer[]> {
  if (queries.length === 0) return [];
  // buckets follow Redis' clock, as in RECORD_BATCH
  const [sec, micro] = await redis.time();
  const bucket = Math.floor((Number(sec) * 1000 + Math.floor(Number(micro) / 1000)) / bucketMs(ttlMs));
  const pipe = redis.pipeline();
  const all = queries.map((q) => {
    const { sh } = dedupField(q.dedupKey ?? q.occurrenceId);
    const ps = probes(q);
    for (const pr of ps) {
      for (let j = 0; j < 3; j += 1) pipe.hget(`${mp}:d:${bucket - j}:${sh}`, pr.fields[0] ?? '');
      for (const lk of pr.legacy) pipe.exists(`${mp}:${lk}`);
    }
    return ps;
  });
  const replies = ((await pipe.exec()) ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
  let at = 0;
  return queries.map((q, qi) => {
    const had = (all[qi] ?? []).map((pr) => {
      const counts = replies.slice(at, at + 3).map((v) => (v === null ? 0 : Number(v)));
      const legacy = replies.slice(at + 3, at + 3 + pr.legacy.length).some((v) => v === 1);
      at += 3 + pr.legacy.length;
      const highest = Math.max(...counts);
      return highest > 0 ? highest >= (q.count ?? 1) : legacy;
    });
    if (q.receivers.length === 0) return { fresh: !had[0], deduped: [] };
    const deduped = q.receivers.filter((_, i) => had[i]);
    return deduped.length === q.receivers.length ? { fresh: false, deduped: [] } : { fresh: true, deduped };
  });
}
