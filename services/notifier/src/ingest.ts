import { decodeEvent, type EventV1 } from '@kube-herald/events';
import type { BusMessage, BusRecord, HandlerContext, Publisher } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import type { DecisionEngine } from './pipeline/decision-engine.js';
import type { DecisionLog } from './decision-log.js';
import type { NotifierMetrics } from './metrics.js';

/** Dependencies of {@link createIngest}. */
export interface IngestDeps {
  readonly engine: DecisionEngine;
  readonly publisher: Pick<Publisher, 'publish'>;
  readonly dlqTopic: string;
  readonly decisionLog: DecisionLog;
  readonly metrics: NotifierMetrics;
  readonly log: Logger;
  readonly now?: () => number;
}

/** The Kafka batch handler: validate, DLQ the bad, record the good in Redis. Never sends HTTP. */
export type IngestHandler = (
  records: readonly BusRecord[],
  ctx: Pick<HandlerContext, 'topic' | 'partition'>,
) => Promise<void>;

const MAX_DETAIL = 1000;

function dlqMessage(rec: BusRecord, reason: string, detail: string): BusMessage {
  return {
    key: rec.key,
    value: rec.value ?? '',
    headers: {
      'x-kh-dlq-reason': reason,
      'x-kh-dlq-detail': detail.slice(0, MAX_DETAIL),
      'x-kh-dlq-topic': rec.topic,
      'x-kh-dlq-partition': String(rec.partition),
      'x-kh-dlq-offset': rec.offset,
    },
  };
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
  return async (records, ctx) => {
    deps.metrics.consumed.inc(records.length);
    const events: EventV1[] = [];
    const dlq: BusMessage[] = [];
    for (const rec of records) {
      const res = rec.value === null ? undefined : decodeEvent(rec.value);
      if (res?.ok) {
        events.push(res.event);
        continue;
      }
      const reason = res ? res.reason : 'empty_value';
      deps.metrics.dlq.inc({ reason });
      dlq.push(dlqMessage(rec, reason, res ? res.detail : 'record has no value'));
    }
    if (dlq.length > 0) {
      await deps.publisher.publish(deps.dlqTopic, dlq);
      deps.log.warn({ count: dlq.length, topic: deps.dlqTopic }, 'malformed records sent to the DLQ');
    }
    if (events.length > 0) {
      const decisions = await deps.engine.process(events, { now: deps.now?.() ?? Date.now() });
      count(deps.metrics, decisions);
      await deps.decisionLog.events(decisions);
    }
    deps.log.debug({ topic: ctx.topic, partition: ctx.partition, records: records.length }, 'batch recorded');
  };
}
