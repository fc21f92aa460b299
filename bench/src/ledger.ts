import type { BusRecord } from '@kube-herald/bus';
import type { DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { occurrenceId } from '@kube-herald/events';
import type { KubeStandin } from '@kube-herald/kube-standin';

/** The loss/duplicate accounting of one run (the figures of RELIABILITY.md). */
export interface Tally {
  /** Occurrences created in the API stand-ins (one per create and per bump). */
  readonly created: number;
  /** Distinct created occurrences found in the events topic. */
  readonly inKafka: number;
  /** Distinct occurrences in the events topic. */
  readonly distinctInKafka: number;
  /** Records in the events topic (re-sends of an occurrence included). */
  readonly kafkaRecords: number;
  /**
   * Created occurrences absent from Kafka although a later repetition of the same Event (higher count) is
   * there: the API keeps only the latest count, so repeats made while no collector watched are collapsed
   * into that count (the message shows it). Not lost, but not seen one by one either.
   */
  readonly collapsed: number;
  /** Created occurrences missing from Kafka with no later repetition there either: truly lost. */
  readonly lostBeforeKafka: number;
  /** Up to 5 lost occurrences (`cluster/uid#count`), for the logs. */
  readonly lostSample: readonly string[];
  /** Occurrences accounted in messages the notifier logged as sent (one count per distinct message). */
  readonly accounted: number;
  /** (distinct occurrences in Kafka) − accounted when positive: occurrences no message carries. */
  readonly lost: number;
  /** accounted − (distinct occurrences in Kafka) when positive: occurrences carried twice. */
  readonly overAccounted: number;
  /** Messages the DingTalk stand-in accepted. */
  readonly messages: number;
  /** Distinct messages logged as sent by the notifiers. */
  readonly sentDecisions: number;
  /** Accepted messages beyond the distinct sent ones (a message delivered twice or never logged). */
  readonly duplicateMessages: number;
  /** Accepted messages whose robot, title and text equal an earlier one's. */
  readonly identicalMessages: number;
  /** Permanent delivery failures logged. */
  readonly failedDecisions: number;
  /** Records in the dead-letter topic. */
  readonly dlqRecords: number;
  /** Most messages accepted by one robot in a rolling minute, and throttle answers. */
  readonly maxPerMinute: number;
  readonly throttleAnswers: number;
}

interface KafkaEvent {
  readonly occurrenceId?: string;
  readonly count?: number;
  readonly cluster?: { readonly id?: string };
  readonly event?: { readonly uid?: string };
}

/** A decision-log line (sent or failed message). */
export interface SentLine {
  readonly decision?: string;
  readonly messageId?: string;
  readonly occurrences?: number;
}

/** Collects the records of the events, decisions and DLQ topics of a run and computes the {@link Tally}. */
export interface Ledger {
  onEvent(r: BusRecord): void;
  onDecision(r: BusRecord): void;
  /**
   * A decision from a notifier's own log (pino line): the Kafka mirror of the decision log drops lines
   * while Kafka is down, the log file does not. Both sources are merged by messageId.
   */
  onDecisionLine(line: SentLine): void;
  onDlq(r: BusRecord): void;
  tally(): Tally;
}

/** Creates a {@link Ledger} over the API stand-ins (cluster id → stand-in) and the DingTalk stand-in. */
export function createLedger(kubes: ReadonlyMap<string, KubeStandin>, dingtalk: DingtalkStandin): Ledger {
  const seen = new Set<string>();
  const maxCount = new Map<string, number>();
  let records = 0;
  const sent = new Map<string, number>();
  const failed = new Set<string>();
  let dlq = 0;
  let sum = 0;
  const expectedIds = (): Map<string, { key: string; count: number }> => {
    const ids = new Map<string, { key: string; count: number }>();
    for (const [clusterId, k] of kubes) {
      for (const o of k.occurrences())
        ids.set(occurrenceId({ clusterId, eventUid: o.uid, count: o.count }), {
          key: `${clusterId}/${o.uid}`,
          count: o.count,
        });
    }
    return ids;
  };
  return {
    onEvent(r) {
      records += 1;
      try {
        const v = JSON.parse(r.value?.toString('utf8') ?? 'null') as KafkaEvent | null;
        if (typeof v?.occurrenceId === 'string') seen.add(v.occurrenceId);
        const key = `${v?.cluster?.id}/${v?.event?.uid}`;
        if (typeof v?.count === 'number' && v.count > (maxCount.get(key) ?? 0)) maxCount.set(key, v.count);
      } catch {
        // a malformed record injected by a fault case: counted in records only
      }
    },
    onDecision(r) {
      this.onDecisionLine(JSON.parse(r.value?.toString('utf8') ?? '{}') as SentLine);
    },
    onDecisionLine(line) {
      if (line.decision === 'sent' && line.messageId && !sent.has(line.messageId)) {
        sent.set(line.messageId, line.occurrences ?? 0);
        sum += line.occurrences ?? 0;
      } else if (line.decision === 'failed' && line.messageId) failed.add(line.messageId);
    },
    onDlq() {
      dlq += 1;
    },
    tally() {
      const ids = expectedIds();
      let inKafka = 0;
      let collapsed = 0;
      const lostSample: string[] = [];
      for (const [id, o] of ids) {
        if (seen.has(id)) inKafka += 1;
        else if ((maxCount.get(o.key) ?? 0) > o.count) collapsed += 1;
        else if (lostSample.push(`${o.key}#${o.count}`) > 5) lostSample.pop();
      }
      const msgs = dingtalk.messages();
      const texts = new Set<string>();
      let identical = 0;
      for (const m of msgs) {
        const key = `${m.robot}\n${m.title ?? ''}\n${m.text}`;
        if (texts.has(key)) identical += 1;
        texts.add(key);
      }
      const robots = Object.values(dingtalk.stats().robots);
      return {
        created: ids.size,
        inKafka,
        distinctInKafka: seen.size,
        kafkaRecords: records,
        collapsed,
        lostBeforeKafka: ids.size - inKafka - collapsed,
        lostSample,
        accounted: sum,
        lost: Math.max(0, seen.size - sum),
        overAccounted: Math.max(0, sum - seen.size),
        messages: msgs.length,
        sentDecisions: sent.size,
        duplicateMessages: Math.max(0, msgs.length - sent.size),
        identicalMessages: identical,
        failedDecisions: failed.size,
        dlqRecords: dlq,
        maxPerMinute: Math.max(0, ...robots.map((s) => s.maxPerMinute)),
        throttleAnswers: robots.reduce((n, s) => n + s.throttleAnswers, 0),
      };
    },
  };
}
