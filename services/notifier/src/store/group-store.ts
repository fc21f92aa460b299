import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KhError } from '@kube-herald/errors';
import { createLuaScript } from './lua-script.js';
import { RECORD_BATCH } from './group-scripts.js';
import { bucketMs, dedupField, seenMarks } from './dedup.js';
import { CLAIM_DUE, COMMIT, PARK, RESTORE, TAKE, UNPARK } from './delivery-scripts.js';

/** One group an event joins: identity and timing (copied into the group when it is created). */
export interface GroupRef {
  readonly gid: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly route: string;
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
}

/** One event to record: its identity, incident summary and the groups it joins. */
export interface RecordItem {
  readonly occurrenceId: string;
  /**
   * What dedup remembers the highest count of: `<cluster.id>/<event.uid>` (default: the occurrenceId,
   * i.e. one mark per occurrence).
   */
  readonly dedupKey?: string;
  readonly incidentKey: string;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly observedAtMs: number;
  /** JSON of the incident's descriptive fields (see `incident-summary.ts`). */
  readonly summary: string;
  readonly groups: readonly GroupRef[];
}

/** A taken incident: what a message accounts for. */
export interface TakenIncident {
  readonly incidentKey: string;
  readonly summary: string;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly oldestObservedMs: number;
  readonly occurrences: number;
  readonly isNew: boolean;
  /** Without occurrences: a resolved notice or a repeat reminder of an unchanged group. */
  readonly quiet?: 'resolved' | 'ongoing';
}

/** A taken group. */
export interface TakenGroup {
  readonly gid: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly route: string;
  /** The group's groupInterval (ms): its next message comes no earlier than this after one is sent. */
  readonly groupInterval?: number;
  readonly incidents: readonly TakenIncident[];
}

/** A group whose flush window opened: one delivery job to enqueue. */
export interface DueFlush {
  readonly gid: string;
  readonly receiver: string;
  readonly window: number;
}

/** Options of {@link createGroupStore}. */
export interface GroupStoreOptions {
  readonly redis: Redis;
  /** Key prefix, e.g. `kh:n`. */
  readonly prefix: string;
  /**
   * Prefix of the dedup marks (default `prefix`). A replay groups and delivers under a prefix of its own
   * (its scheduler and worker never see live groups) while sharing the live fleet's marks.
   */
  readonly markPrefix?: string;
  /** Kept this long after an event uid's last occurrence (≥ the event's lifetime + the replay horizon). */
  readonly dedupTtlMs: number;
  /** A group with nothing pending is deleted after this long without activity (default: ri + gi). */
  readonly idleMs?: number;
  /** Lifetime of an uncommitted take (a crashed attempt is restored by the job's next attempt). */
  readonly takeTtlMs?: number;
  /** Events per Lua call (bounds how long one script blocks Redis). Default 500. */
  readonly chunkSize?: number;
  /** resolveAfter (ms, 0 disables resolved notices) by route id, and for routes not listed. Default 0. */
  readonly resolveAfter?: { readonly byRoute: Readonly<Record<string, number>>; readonly fallback: number };
}

/**
 * What recording did with one item. Dedup is per (event uid, receiver), by the highest count recorded:
 * the item joined the groups of every receiver not listed in `deduped`. An item without groups has a
 * field of its own (its redelivery counts as deduped; it never blocks grouping).
 */
export interface RecordOutcome {
  /** False when nothing was recorded: every receiver (or, without groups, the occurrence) was marked. */
  readonly fresh: boolean;
  /** Receivers that already had the occurrence; their groups were skipped. Empty when not fresh. */
  readonly deduped: readonly string[];
}

/** A read-only dedup question: which of these receivers already had the occurrence. */
export interface SeenQuery {
  readonly occurrenceId: string;
  /** Distinct receivers the occurrence would go to; empty for a dropped/silenced/unrouted event. */
  readonly receivers: readonly string[];
  /** As {@link RecordItem.dedupKey}, with the occurrence's count. */
  readonly dedupKey?: string;
  readonly count?: number;
}

/** Dedup marks, groups, due schedule and takes in Redis; every mutation is one atomic Lua script. */
export interface GroupStore {
  /** Dedups (per occurrence and receiver) and records events atomically, one outcome per item. */
  record(items: readonly RecordItem[], now: number, force?: boolean): Promise<RecordOutcome[]>;
  /** What {@link GroupStore.record} would decide without force (read only, for dry runs). */
  seen(queries: readonly SeenQuery[]): Promise<RecordOutcome[]>;
  claimDue(now: number, limit: number): Promise<DueFlush[]>;
  readyCount(receiver: string): Promise<number>;
  isReady(receiver: string, gid: string): Promise<boolean>;
  /** True when an attempt of this job took occurrences and neither committed nor restored them. */
  hasTake(jobId: string): Promise<boolean>;
  take(jobId: string, receiver: string, gid: string, mergeLimit: number, now: number): Promise<TakeResult>;
  commit(jobId: string, now: number): Promise<number>;
  restore(jobId: string, now: number): Promise<number>;
  park(jobId: string, ttlMs: number): Promise<boolean>;
  unpark(jobId: string, now: number): Promise<number>;
}

/** What {@link GroupStore.take} returns. */
export interface TakeResult {
  /** Occurrences put back from an unfinished earlier attempt of the same job. */
  readonly recovered: number;
  readonly groups: readonly TakenGroup[];
  /** Groups of the receiver still waiting for a delivery after this take (a further message is due). */
  readonly readyLeft: number;
}

/** Stable short id of a group: hash of receiver + groupKey. */
export function groupId(receiver: string, groupKey: string): string {
  return createHash('sha256').update(`${receiver}\n${groupKey}`).digest('hex').slice(0, 20);
}

interface LuaItem {
  k: string;
  s: string;
  c: number;
  f: number;
  l: number;
  n: number;
  o: number;
  w: number;
  st?: 'r' | 'o';
}
interface LuaGroup {
  g: string;
  meta: { r: string; k: string; l: string; rt: string; gi?: number };
  items: LuaItem[] | Record<string, never>;
}

function parseTake(raw: unknown): TakeResult {
  if (!Array.isArray(raw) || raw.length < 2 || typeof raw[1] !== 'string') {
    throw new KhError('notifier_store_bad_reply', 'unexpected reply of the take script');
  }
  const decoded = JSON.parse(raw[1]) as LuaGroup[] | Record<string, never>;
  const groups = (Array.isArray(decoded) ? decoded : []).map((g) => ({
    gid: g.g,
    receiver: g.meta.r,
    groupKey: g.meta.k,
    labels: JSON.parse(g.meta.l) as Record<string, string>,
    route: g.meta.rt,
    ...(typeof g.meta.gi === 'number' ? { groupInterval: g.meta.gi } : {}),
    incidents: (Array.isArray(g.items) ? g.items : []).map((i) => ({
      incidentKey: i.k,
      summary: i.s,
      count: i.c,
      firstSeenMs: i.f,
      lastSeenMs: i.l,
      oldestObservedMs: i.o,
      occurrences: i.n,
      isNew: i.w === 1,
      ...(i.st === 'r' ? { quiet: 'resolved' as const } : i.st === 'o' ? { quiet: 'ongoing' as const } : {}),
    })),
  }));
  return { recovered: Number(raw[0]), groups, readyLeft: Number(raw[2] ?? 0) };
}

interface LuaGroupMeta {
  r: string;
  k: string;
  l: string;
  rt: string;
  gw: number;
  gi: number;
  ri: number;
  idle: number;
}

/** The RECORD_BATCH payload: each group's meta once, events referring to groups by id. */
function recordPayload(
  items: readonly RecordItem[],
  base: { prefix: string; marks: string; now: number; ttl: number; force: number },
  idleMs: number | undefined,
): string {
  const groups: Record<string, LuaGroupMeta> = {};
  const events = items.map((item) => {
    for (const g of item.groups) {
      groups[g.gid] ??= {
        r: g.receiver,
        k: g.groupKey,
        l: JSON.stringify(g.labels),
        rt: g.route,
        gw: g.groupWait,
        gi: g.groupInterval,
        ri: g.repeatInterval,
        idle: idleMs ?? g.repeatInterval + g.groupInterval,
      };
    }
    const { u, sh } = dedupField(item.dedupKey ?? item.occurrenceId);
    return {
      o: item.occurrenceId,
      u,
      sh,
      k: item.incidentKey,
      c: item.count,
      f: item.firstSeenMs,
      l: item.lastSeenMs,
      ob: item.observedAtMs,
      s: item.summary,
      m: item.groups.map((g) => g.gid),
    };
  });
  // cjson decodes an empty JSON object as an empty table either way; events always an array
  return JSON.stringify({ ...base, groups, events });
}

/** RECORD_BATCH's answer per event: 1 joined all, 0 deduped, or the receivers already marked. */
type RawOutcome = number | string[];

function parseOutcome(raw: RawOutcome): RecordOutcome {
  if (Array.isArray(raw)) return { fresh: true, deduped: raw.map(String) };
  return { fresh: raw === 1, deduped: [] };
}

const scripts = {
  record: createLuaScript(RECORD_BATCH),
  claim: createLuaScript(CLAIM_DUE),
  take: createLuaScript(TAKE),
  commit: createLuaScript(COMMIT),
  restore: createLuaScript(RESTORE),
  park: createLuaScript(PARK),
  unpark: createLuaScript(UNPARK),
};

/** Creates the Redis-backed group store. */
export function createGroupStore(options: GroupStoreOptions): GroupStore {
  const { redis, prefix: pre } = options;
  const mp = options.markPrefix ?? pre;
  const chunk = options.chunkSize ?? 500;
  // a take outlives the failed job it may belong to (failed jobs are kept 7 days): `failed retry` finds it
  const takeTtl = options.takeTtlMs ?? 8 * 86_400_000;
  const ra = JSON.stringify(options.resolveAfter?.byRoute ?? {});
  const raFallback = options.resolveAfter?.fallback ?? 0;
  // RECORD_BATCH prunes idle incidents only of routes without resolved notices
  const pruneArgs = { ra: options.resolveAfter?.byRoute ?? {}, raf: raFallback };
  return {
    async record(items, now, force = false) {
      const ttl = options.dedupTtlMs;
      const base = {
        prefix: pre,
        marks: mp,
        now,
        ttl,
        bm: bucketMs(ttl),
        force: force ? 1 : 0,
        ...pruneArgs,
      };
      // All chunks are sent at once (one connection keeps their order): no round trip waits between them.
      const runs: Promise<unknown>[] = [];
      for (let i = 0; i < items.length; i += chunk) {
        const payload = recordPayload(items.slice(i, i + chunk), base, options.idleMs);
        runs.push(scripts.record.run(redis, [], [payload]));
      }
      return (await Promise.all(runs)).flatMap((res) => (res as RawOutcome[]).map(parseOutcome));
    },
    seen: (queries) => seenMarks(redis, mp, options.dedupTtlMs, queries),
    async claimDue(now, limit) {
      const args = [pre, now, limit, ra, raFallback];
      const flat = (await scripts.claim.run(redis, [], args)) as (string | number)[];
      const out: DueFlush[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        out.push({ gid: String(flat[i]), receiver: String(flat[i + 1]), window: Number(flat[i + 2]) });
      }
      return out;
    },
    readyCount: (receiver) => redis.zcard(`${pre}:ready:${receiver}`),
    async isReady(receiver, gid) {
      return (await redis.zscore(`${pre}:ready:${receiver}`, gid)) !== null;
    },
    async hasTake(jobId) {
      return (await redis.exists(`${pre}:take:${jobId}`)) === 1;
    },
    async take(jobId, receiver, gid, mergeLimit, now) {
      const args = [pre, jobId, receiver, gid, mergeLimit, now, takeTtl, ra, raFallback];
      return parseTake(await scripts.take.run(redis, [], args));
    },
    async commit(jobId, now) {
      return Number(await scripts.commit.run(redis, [], [pre, jobId, now]));
    },
    async restore(jobId, now) {
      return Number(await scripts.restore.run(redis, [], [pre, jobId, now]));
    },
    async park(jobId, ttlMs) {
      return Number(await scripts.park.run(redis, [], [pre, jobId, ttlMs])) === 1;
    },
    async unpark(jobId, now) {
      return Number(await scripts.unpark.run(redis, [], [pre, jobId, now]));
    },
  };
}
