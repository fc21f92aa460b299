import { randomBytes } from 'node:crypto';
import {
  createKafkaAdmin,
  createKafkaSubscriber,
  type KafkaConnectionOptions,
  type Subscriber,
} from '@kube-herald/bus';
import { errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';

/** One decision-log line as mirrored to Kafka, with the record's time. */
export interface DecisionLine {
  readonly at: number;
  readonly decision: string;
  readonly occurrenceId?: string;
  readonly incidentKey?: string;
  readonly incidentKeys?: readonly string[];
  readonly groupKeys?: readonly string[];
  readonly [field: string]: unknown;
}

/** Lines of the decision log kept in memory for the "why" view. */
export interface DecisionIndex {
  add(line: DecisionLine): void;
  byOccurrence(occurrenceId: string): DecisionLine[];
  /** Event lines of the incident and the messages (sent/failed) that carried it. */
  byIncident(incidentKey: string): DecisionLine[];
  readonly size: number;
}

const KEYS_PER_LINE = 1000;

/** A ring of at most `capacity` lines with lookups by occurrenceId and incidentKey. */
export function createDecisionIndex(capacity: number): DecisionIndex {
  const ring: DecisionLine[] = [];
  let first = 0; // sequence number of ring[0]
  let byOcc = new Map<string, number[]>();
  let byInc = new Map<string, number[]>();
  const put = (map: Map<string, number[]>, key: string | undefined, seq: number): void => {
    if (key === undefined) return;
    const list = map.get(key);
    if (list) list.push(seq);
    else map.set(key, [seq]);
  };
  const indexLine = (line: DecisionLine, seq: number): void => {
    put(byOcc, line.occurrenceId, seq);
    put(byInc, line.incidentKey, seq);
    for (const k of (line.incidentKeys ?? []).slice(0, KEYS_PER_LINE)) put(byInc, k, seq);
  };
  const rebuild = (): void => {
    byOcc = new Map();
    byInc = new Map();
    ring.forEach((l, i) => indexLine(l, first + i));
  };
  const lookup = (map: Map<string, number[]>, key: string): DecisionLine[] =>
    (map.get(key) ?? []).filter((s) => s >= first).flatMap((s) => ring[s - first] ?? []);
  return {
    add(line) {
      indexLine(line, first + ring.length);
      ring.push(line);
      if (ring.length > capacity) {
        // drop the oldest quarter at once and re-index: the maps never hold more than the ring
        const drop = Math.ceil(capacity / 4);
        ring.splice(0, drop);
        first += drop;
        rebuild();
      }
    },
    byOccurrence: (id) => lookup(byOcc, id),
    byIncident: (key) => lookup(byInc, key),
    get size() {
      return ring.length;
    },
  };
}

/** Options of {@link createDecisionTail}. */
export interface DecisionTailOptions {
  readonly connection: KafkaConnectionOptions;
  readonly topic: string;
  readonly index: DecisionIndex;
  /** Records older than this are skipped (not parsed, not kept). */
  readonly lookbackMs: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/** Follows the decision-log topic into the index. */
export interface DecisionTail {
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A consumer group of its own (deleted at close), reading the topic from its start and keeping the lines of
 * the last `lookbackMs`: every replica's decisions, whichever replica serves the console.
 */
export function createDecisionTail(o: DecisionTailOptions): DecisionTail {
  const log = o.log.child({ component: 'console-decisions' });
  const groupId = `${o.connection.clientId}-console-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const now = o.now ?? Date.now;
  let subscriber: Subscriber | undefined;
  let closing: Promise<void> | undefined;
  return {
    async start() {
      subscriber = createKafkaSubscriber({
        ...o.connection,
        groupId,
        topics: [o.topic],
        fromBeginning: true,
        maxWaitTimeMs: 300,
      });
      await subscriber.start((records) => {
        const since = now() - o.lookbackMs;
        for (const r of records) {
          if (r.timestamp < since || r.value === null) continue;
          try {
            const line = JSON.parse(r.value.toString('utf8')) as Record<string, unknown>;
            if (typeof line.decision === 'string')
              o.index.add({ ...line, decision: line.decision, at: r.timestamp });
          } catch {
            // not a decision line: the topic is ours, but a bad record must not stop the tail
          }
        }
        return Promise.resolve();
      });
    },
    close() {
      closing ??= (async () => {
        await subscriber?.close();
        const admin = createKafkaAdmin({ ...o.connection, clientId: `${o.connection.clientId}-console` });
        try {
          await admin.deleteGroup(groupId);
        } catch (err) {
          log.warn({ err, code: errorCode(err), groupId }, 'could not delete the console consumer group');
        } finally {
          await admin.close();
        }
      })();
      return closing;
    },
  };
}
