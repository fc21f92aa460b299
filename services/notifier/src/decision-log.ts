import type { BusMessage, Publisher } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import type { Counter } from '@kube-herald/observability';
import { errorCode } from '@kube-herald/errors';
import type { Decision } from './pipeline/decision-engine.js';

/** A delivery-side decision: a message sent (and what it accounts), a permanent failure, or an unknown outcome. */
export type DeliveryDecision =
  | {
      readonly kind: 'sent';
      readonly receiver: string;
      readonly messageId: string;
      readonly groupKeys: readonly string[];
      readonly incidentKeys: readonly string[];
      readonly occurrences: number;
    }
  | {
      readonly kind: 'failed';
      readonly receiver: string;
      readonly messageId: string;
      readonly groupKeys: readonly string[];
      readonly occurrences: number;
      readonly errcode: string;
      readonly code: string;
    }
  | {
      /** A send with an unknown outcome (timeout, connection lost): retried, possibly a duplicate. */
      readonly kind: 'ambiguous';
      readonly receiver: string;
      readonly messageId: string;
      readonly groupKeys: readonly string[];
      readonly occurrences: number;
      readonly code: string;
    };

/** Options of {@link createDecisionLog}. */
export interface DecisionLogOptions {
  readonly log: Logger;
  /** Also publish every decision as JSON to this Kafka topic. */
  readonly topic?: string;
  readonly publisher?: Pick<Publisher, 'publish'>;
  /** `errors_total{component}`: failed or skipped mirror batches are counted as `decision-log`. */
  readonly errors?: Counter<'component'>;
  /** Lines being published at most; past it lines are not mirrored (still logged). Default 100 000. */
  readonly maxPendingLines?: number;
}

/** One structured line per decision (pino `decision` component), optionally mirrored to Kafka. */
export interface DecisionLog {
  /** Logs one line per decision. Never rejects: the Kafka mirror runs in the background. */
  events(decisions: readonly Decision[]): Promise<void>;
  delivery(decision: DeliveryDecision): Promise<void>;
  /**
   * Resolves when the mirror batches in flight have settled, or after `timeoutMs` (default 5 000) with the
   * lines still in flight reported (warn + count): a Kafka outage must not hold up shutdown.
   */
  flush(timeoutMs?: number): Promise<void>;
}

type Line = Record<string, unknown> & { readonly decision: string };

function eventLine(d: Decision): Line {
  switch (d.kind) {
    case 'deduped':
    case 'unrouted':
      return { decision: d.kind, occurrenceId: d.occurrenceId, incidentKey: d.incidentKey };
    case 'dropped':
      return {
        decision: d.kind,
        occurrenceId: d.occurrenceId,
        incidentKey: d.incidentKey,
        route: d.route,
        rule: d.rule,
      };
    case 'silenced':
      return {
        decision: d.kind,
        occurrenceId: d.occurrenceId,
        incidentKey: d.incidentKey,
        silenceId: d.silenceId,
      };
    case 'grouped': {
      // flat fields for the usual single placement: cheaper to redact/mask and to query
      const [only] = d.groups;
      if (d.groups.length === 1 && only)
        return {
          decision: d.kind,
          occurrenceId: d.occurrenceId,
          incidentKey: d.incidentKey,
          receiver: only.receiver,
          route: only.route,
          groupKey: only.groupKey,
        };
      return { decision: d.kind, occurrenceId: d.occurrenceId, incidentKey: d.incidentKey, groups: d.groups };
    }
  }
}

/**
 * Creates the decision log. Secrets never reach it: decisions carry ids and names only. The Kafka mirror
 * is best effort: a failed publish is logged at warn and counted, and never fails ingestion or delivery
 * (a rejected Kafka batch would be redelivered and its events wrongly logged as deduped).
 */
export function createDecisionLog(options: DecisionLogOptions): DecisionLog {
  const log = options.log.child({ component: 'decision' });
  const maxPending = options.maxPendingLines ?? 100_000;
  const inFlight = new Set<Promise<void>>();
  let pendingLines = 0;
  let overflowReported = false;
  const failed = (err: unknown, lines: number, what: string): void => {
    options.errors?.inc({ component: 'decision-log' });
    log.warn({ err, code: errorCode(err), topic: options.topic, lines }, what);
  };
  const mirror = (lines: readonly Line[]): void => {
    const { topic, publisher } = options;
    if (topic === undefined || publisher === undefined || lines.length === 0) return;
    if (pendingLines + lines.length > maxPending) {
      // every skipped batch is counted; the warning once per episode (it would repeat per Kafka batch)
      if (overflowReported) options.errors?.inc({ component: 'decision-log' });
      else failed(undefined, lines.length, 'decision log mirror behind; lines not mirrored');
      overflowReported = true;
      return;
    }
    overflowReported = false;
    const msgs: BusMessage[] = lines.map((l) => ({ key: null, value: JSON.stringify(l) }));
    pendingLines += lines.length;
    const p = publisher
      .publish(topic, msgs)
      .catch((err: unknown) => failed(err, lines.length, 'decision log mirror failed; lines not mirrored'))
      .finally(() => {
        pendingLines -= lines.length;
        inFlight.delete(p);
      });
    inFlight.add(p);
  };
  return {
    events(decisions) {
      const lines = decisions.map(eventLine);
      for (const line of lines) log.info(line, `event ${line.decision}`);
      mirror(lines);
      return Promise.resolve();
    },
    delivery(d) {
      const line: Line = { decision: d.kind, ...d, kind: undefined };
      if (d.kind === 'failed') log.warn(line, 'message failed');
      else if (d.kind === 'ambiguous') log.warn(line, 'message outcome unknown (possible duplicate)');
      else log.info(line, 'message sent');
      mirror([line]);
      return Promise.resolve();
    },
    async flush(timeoutMs = 5000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
      const settled = (async () => {
        while (inFlight.size > 0) await Promise.all([...inFlight]);
        return 'settled' as const;
      })();
      try {
        if ((await Promise.race([settled, timeout])) === 'timeout')
          failed(undefined, pendingLines, 'decision log mirror still publishing at close; lines may be lost');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
