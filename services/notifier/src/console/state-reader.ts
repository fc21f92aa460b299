import type { Redis } from 'ioredis';
import { gateStatus } from '../rate-gate.js';

// Read-only views of the notifier's Redis state that the store and failed modules do not export (live
// groups and their incidents; the rate gate through rate-gate.ts' gateStatus). The group layout is the one
// documented in store/group-scripts.ts; nothing here writes.

/** One incident of a live group, as the group keeps it. */
export interface GroupIncident {
  readonly incidentKey: string;
  /** The descriptive fields of the incident's latest event (JSON, see pipeline/digest.ts). */
  readonly summary: string;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Occurrences recorded and not yet sent. */
  readonly pending: number;
  /** True once a message carried the incident. */
  readonly sent: boolean;
}

/** One live group (created by an event, deleted when idle), with its next scheduled check. */
export interface GroupState {
  readonly gid: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly route: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly newIncidents: number;
  readonly pending: number;
  readonly lastSentMs: number;
  readonly lastActivityMs: number;
  /** When the scheduler looks at the group next (a flush when it has something new). */
  readonly nextCheckMs: number;
  readonly incidents: readonly GroupIncident[];
}

/** A robot's rate gate: sends in the current window and the throttle block. */
export interface GateState {
  readonly used: number;
  /** Milliseconds until the oldest send leaves the window (0 when the window is empty). */
  readonly oldestFreesInMs: number;
  /** Milliseconds the robot stays blocked after a throttle answer (0 when not blocked). */
  readonly blockedForMs: number;
  /** Escalation level of the last throttle block (-1: none remembered; 0: 1×, 1: 2× … the base back-off). */
  readonly throttleLevel: number;
}

/** Options of {@link createStateReader}. */
export interface StateReaderOptions {
  readonly redis: Redis;
  /** The notifier's key prefix (`notifierPrefixes(config).keys`). */
  readonly prefix: string;
}

/** Reads live groups and rate gates. */
export interface StateReader {
  /** Live groups, soonest next check first, at most `limit`; each with at most `incidentLimit` incidents. */
  groups(limit: number, incidentLimit: number): Promise<GroupState[]>;
  /** Number of live groups (the size of the schedule). */
  groupCount(): Promise<number>;
  /** The gate of a robot (`gateKeyOf(receiver)`, shared by every receiver on the same webhook). */
  gate(gateKey: string, windowMs: number): Promise<GateState>;
  /** Groups of the receiver with a flush job enqueued and not yet taken. */
  readyCount(receiver: string): Promise<number>;
}

interface StoredIncident {
  s?: string;
  c?: number;
  f?: number;
  l?: number;
  n?: number;
  sent?: number;
}

const num = (v: string | undefined): number => (v === undefined ? 0 : Number(v) || 0);

function parseLabels(raw: string | undefined): Record<string, string> {
  try {
    const v = JSON.parse(raw ?? '{}') as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function toIncidents(raw: Record<string, string>, limit: number): GroupIncident[] {
  const out: GroupIncident[] = [];
  for (const [incidentKey, json] of Object.entries(raw)) {
    if (out.length >= limit) break;
    let inc: StoredIncident;
    try {
      inc = JSON.parse(json) as StoredIncident;
    } catch {
      continue;
    }
    out.push({
      incidentKey,
      summary: inc.s ?? '{}',
      count: inc.c ?? 0,
      firstSeenMs: inc.f ?? 0,
      lastSeenMs: inc.l ?? 0,
      pending: inc.n ?? 0,
      sent: inc.sent === 1,
    });
  }
  return out;
}

function toGroup(
  gid: string,
  next: number,
  g: Record<string, string>,
  gi: Record<string, string>,
  incLimit: number,
): GroupState | undefined {
  if (g.receiver === undefined) return undefined; // deleted between the two reads
  return {
    gid,
    receiver: g.receiver,
    groupKey: g.groupKey ?? '',
    route: g.route ?? '',
    labels: parseLabels(g.labels),
    groupWaitMs: num(g.gw),
    groupIntervalMs: num(g.gi),
    repeatIntervalMs: num(g.ri),
    newIncidents: num(g.newInc),
    pending: num(g.pending),
    lastSentMs: num(g.lastSent),
    lastActivityMs: num(g.lastActivity),
    nextCheckMs: next,
    incidents: toIncidents(gi, incLimit),
  };
}

/** Creates the reader. */
export function createStateReader(options: StateReaderOptions): StateReader {
  const { redis, prefix: pre } = options;
  return {
    async groups(limit, incidentLimit) {
      const flat = await redis.zrange(`${pre}:due`, 0, Math.max(0, limit - 1), 'WITHSCORES');
      const due: [string, number][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) due.push([flat[i] ?? '', Number(flat[i + 1])]);
      if (due.length === 0) return [];
      const pipe = redis.pipeline();
      for (const [gid] of due) pipe.hgetall(`${pre}:g:${gid}`).hgetall(`${pre}:gi:${gid}`);
      const replies = (await pipe.exec()) ?? [];
      const out: GroupState[] = [];
      due.forEach(([gid, next], i) => {
        const [e1, g] = replies[2 * i] ?? [null, {}];
        const [e2, gi] = replies[2 * i + 1] ?? [null, {}];
        const failed = e1 ?? e2;
        if (failed) throw failed;
        const group = toGroup(
          gid,
          next,
          g as Record<string, string>,
          gi as Record<string, string>,
          incidentLimit,
        );
        if (group) out.push(group);
      });
      return out;
    },
    groupCount: () => redis.zcard(`${pre}:due`),
    async gate(gateKey, windowMs) {
      const [status, [sec, micros], oldest] = await Promise.all([
        gateStatus(redis, pre, gateKey, windowMs),
        redis.time(),
        // the oldest send still in the window: when it leaves, a slot frees (same window as gateStatus)
        redis.zrange(`${pre}:rate:${gateKey}`, 0, 0, 'WITHSCORES'),
      ]);
      const now = Number(sec) * 1000 + Math.floor(Number(micros) / 1000);
      const first = oldest[1] === undefined ? undefined : Number(oldest[1]);
      return {
        used: status.used,
        oldestFreesInMs: first === undefined ? 0 : Math.max(0, first + windowMs - now),
        blockedForMs: status.blockedMs,
        throttleLevel: status.throttleLevel,
      };
    },
    readyCount: (receiver) => redis.zcard(`${pre}:ready:${receiver}`),
  };
}
