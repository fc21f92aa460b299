import { decodeEvent, type EventV1 } from '@kube-herald/events';
import type { BusMessage, BusRecord, HandlerContext, Publisher } from '@kube-herald/bus';
import { dlqMessage } from './dlq.js';
import type { Logger } from '@kube-herald/logging';
import type { DecisionEngine } from './pipeline/decision-engine.js';
import type { DecisionLog } from './decision-log.js';
import type { NotifierMetrics } from './metrics.js';

/** Dependencies of {@link createIngest}. */
export interface IngestDeps {
  readonly engine: DecisionEngine;
  readonly publisher: Pick<Publisher, 'publish'>;
  readonly dlqTopic: string;
  /** Largest DLQ copy the publisher takes (default 1,000,000 bytes, its `maxMessageBytes`). */
  readonly dlqMaxBytes?: number;
  readonly decisionLog: DecisionLog;
  readonly metrics: NotifierMetrics;
  readonly log: Logger;
  readonly now?: () => number;
  /**
   * Resolves once the batch's Redis writes survive the loss of the Redis that acknowledged them (WAIT /
   * WAITAOF, see `durability.ts`); the subscriber commits the offsets after the handler resolved.
   */
  readonly durable?: () => Promise<void>;
}

/** The Kafka batch handler: validate, DLQ the bad, record the good in Redis. Never sends HTTP. */
export type IngestHandler = (
  records: readonly BusRecord[],
  ctx: Pick<HandlerContext, 'topic' | 'partition'>,
) => Promise<void>;

// A UTF-16 surrogate without its pair: JSON allows it escaped (`"\ud800"`), UTF-8 and Redis' cjson do not.
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_ALL = new RegExp(LONE.source, 'g');
const wellFormed = (s: string): string => s.replace(LONE_ALL, '\uFFFD');

/**
 * Makes every string (values and keys) of a decoded value well-formed in place — a lone surrogate
 * becomes U+FFFD, as `String.prototype.toWellFormed` does — so that no field can fail the record script.
 * Returns how many strings were changed. Deterministic: a redelivered record is changed the same way.
 */
export function makeWellFormed(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let changed = 0;
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (typeof v === 'string' && LONE.test(v)) {
      obj[k] = wellFormed(v);
      changed += 1;
    } else if (typeof v === 'object' && v !== null) changed += makeWellFormed(v);
    if (!LONE.test(k)) continue;
    const fixed = wellFormed(k);
    if (!(fixed in obj)) obj[fixed] = obj[k];
    delete obj[k];
    changed += 1;
  }
  return changed;
}

function count(metrics: NotifierMetrics, decisions: Awaited<ReturnType<DecisionEngine['process']>>): void {
  for (const d of decisions) {
    switch (d.kind) {
      case 'deduped':
        metrics.deduped.inc();
        break;
      case 'dropped':
        metrics.dropped.inc({ route: d.route });
        break;
      case 'silenced':
        metrics.silenced.inc();
        break;
      case 'unrouted':
        break;
      case 'grouped':
        for (const g of d.groups) metrics.grouped.inc({ receiver: g.receiver });
        break;
    }
  }
}

/**
 * Creates the handler. It resolves only after the DLQ publish and the Redis script acknowledged, so the
 * subscriber commits the offsets after the batch's effects are durable; a rejection leaves them uncommitted.
 */
export function createIngest(deps: IngestDeps): IngestHandler {
  const handle = recordBatch(deps);
  return (records, ctx) =>
    handle(records, ctx).catch((err: unknown) => {
      // ioredis attaches the command to its errors: a script's payload (whole batches) must not reach logs
      if (err instanceof Error && 'command' in err) delete (err as { command?: unknown }).command;
      throw err;
    });
}

function recordBatch(deps: IngestDeps): IngestHandler {
  return async (records, ctx) => {
    deps.metrics.consumed.inc(records.length);
    const events: EventV1[] = [];
    const dlq: BusMessage[] = [];
    for (const rec of records) {
      const res = rec.value === null ? undefined : decodeEvent(rec.value);
      if (res?.ok) {
        if (makeWellFormed(res.event) > 0) deps.metrics.sanitized.inc();
        events.push(res.event);
        continue;
      }
      const reason = res ? res.reason : 'empty_value';
      deps.metrics.dlq.inc({ reason });
      dlq.push(dlqMessage(rec, reason, res ? res.detail : 'record has no value', {}, deps.dlqMaxBytes));
    }
    if (dlq.length > 0) {
      await deps.publisher.publish(deps.dlqTopic, dlq);
      deps.log.warn({ count: dlq.length, topic: deps.dlqTopic }, 'malformed records sent to the DLQ');
    }
    if (events.length > 0) {
      const decisions = await deps.engine.process(events, { now: deps.now?.() ?? Date.now() });
      await deps.durable?.();
      count(deps.metrics, decisions);
      await deps.decisionLog.events(decisions);
    }
    deps.log.debug({ topic: ctx.topic, partition: ctx.partition, records: records.length }, 'batch recorded');
  };
}
