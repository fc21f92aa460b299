import type { Logger } from '@kube-herald/logging';
import type { Decision } from './pipeline/decision-engine.js';
import type { EventPublisher, OutgoingMessage } from './pipeline/bus-types.js';

/** A delivery-side decision: a message sent (and what it accounts) or a permanent failure. */
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
    };

/** Options of {@link createDecisionLog}. */
export interface DecisionLogOptions {
  readonly log: Logger;
  /** Also publish every decision as JSON to this Kafka topic. */
  readonly topic?: string;
  readonly publisher?: EventPublisher;
}

/** One structured line per decision (pino `decision` component), optionally mirrored to Kafka. */
export interface DecisionLog {
  events(decisions: readonly Decision[]): Promise<void>;
  delivery(decision: DeliveryDecision): Promise<void>;
}

/** Creates the decision log. Secrets never reach it: decisions carry ids and names only. */
export function createDecisionLog(options: DecisionLogOptions): DecisionLog {
  const log = options.log.child({ component: 'decision' });
  const mirror = async (lines: readonly object[]): Promise<void> => {
    if (options.topic === undefined || options.publisher === undefined || lines.length === 0) return;
    const msgs: OutgoingMessage[] = lines.map((l) => ({ key: null, value: JSON.stringify(l) }));
    await options.publisher.publish(options.topic, msgs);
  };
  return {
    async events(decisions) {
      const lines = decisions.map((d) => ({ decision: d.kind, ...d, kind: undefined }));
      for (const line of lines) log.info(line, `event ${line.decision}`);
      await mirror(lines);
    },
    async delivery(d) {
      const line = { decision: d.kind, ...d, kind: undefined };
      if (d.kind === 'failed') log.warn(line, 'message failed');
      else log.info(line, 'message sent');
      await mirror([line]);
    },
  };
}
