import { decodeEvent, type EventV1 } from '@kube-herald/events';
import { KhError } from '@kube-herald/errors';
import type { RoutingResult } from '../model.js';
import type { Decision, DecisionEngine } from '../pipeline/decision-engine.js';
import type { DecisionIndex, DecisionLine } from './decision-tail.js';
import type { GroupState } from './state-reader.js';

/** What the "why" view asks about: an event (JSON), an occurrenceId or an incidentKey. */
export interface WhyQuery {
  readonly event?: unknown;
  readonly occurrenceId?: string;
  readonly incidentKey?: string;
}

/** Where an incident is now: a live group, its pending occurrences and whether a message carried it. */
export interface WhyGroup {
  readonly receiver: string;
  readonly groupKey: string;
  readonly route: string;
  readonly count: number;
  readonly pending: number;
  readonly sent: boolean;
  readonly nextCheckMs: number;
}

/** The answer: a one-line verdict, what happened (decision log), what would happen now, where it is. */
export interface WhyAnswer {
  readonly verdict: string;
  readonly kind: string;
  /** The decision-log lines the verdict rests on (the page words them in its language); absent for dry runs. */
  readonly verdictLines?: readonly DecisionLine[];
  readonly occurrenceId?: string;
  readonly incidentKey?: string;
  /** Decision-log lines about it (event decisions, then the messages that carried the incident). */
  readonly history: readonly DecisionLine[];
  readonly historyAvailable: boolean;
  /** The decision engine's answer now (dry run: nothing written). */
  readonly now?: Decision;
  /** The route tree's explanation (event queries). */
  readonly routing?: RoutingResult;
  readonly groups: readonly WhyGroup[];
}

/** Dependencies of {@link createWhy}. */
export interface WhyDeps {
  readonly engine: DecisionEngine;
  readonly explain: (event: EventV1) => RoutingResult;
  readonly groups: () => Promise<readonly GroupState[]>;
  readonly index?: DecisionIndex;
}

function parseEvent(raw: unknown): EventV1 {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  const res = decodeEvent(text.trim());
  if (!res.ok) throw new KhError('console_bad_request', `not a kube-herald.event/v1 event: ${res.detail}`);
  return res.event;
}

function describeLine(l: DecisionLine): string {
  switch (l.decision) {
    case 'dropped':
      return `dropped by route ${String(l.route)} (${String(l.rule)})`;
    case 'silenced':
      return `silenced by silence ${String(l.silenceId)}`;
    case 'unrouted':
      return 'not delivered: no route with a receiver matched';
    case 'deduped':
      return 'deduped: this occurrence was already recorded';
    case 'grouped': {
      const key = typeof l.groupKey === 'string' ? l.groupKey : JSON.stringify(l.groups ?? []);
      return `grouped into ${key}`;
    }
    case 'sent':
      return `sent in message ${String(l.messageId)} to ${String(l.receiver)}`;
    case 'failed':
      return `failed in message ${String(l.messageId)}: errcode ${String(l.errcode)} (${String(l.code)})`;
    default:
      return l.decision;
  }
}

function describeDecision(d: Decision): string {
  switch (d.kind) {
    case 'dropped':
      return `would be dropped by route ${d.route} (${d.rule})`;
    case 'silenced':
      return `would be silenced by silence ${d.silenceId}`;
    case 'unrouted':
      return 'would not be delivered: no route with a receiver matched';
    case 'deduped':
      return 'already recorded (dedup mark present): it will not be notified again';
    case 'grouped':
      return `would be grouped into ${d.groups.map((g) => g.groupKey).join(', ')}`;
  }
}

/** The verdict: the first event decision (not `deduped`) and, for grouped ones, the message that carried it. */
function verdictOf(
  history: readonly DecisionLine[],
  now: Decision | undefined,
  latest: boolean,
): { kind: string; text: string; lines?: DecisionLine[] } {
  // an occurrence's first decision (later ones are its redeliveries); an incident's latest
  const decided = history.filter((l) => l.occurrenceId !== undefined && l.decision !== 'deduped');
  const event = (latest ? decided.at(-1) : decided[0]) ?? history[0];
  if (!event)
    return now
      ? { kind: now.kind, text: describeDecision(now) }
      : { kind: 'unknown', text: 'no decision found' };
  if (event.decision !== 'grouped')
    return { kind: event.decision, text: describeLine(event), lines: [event] };
  const msg = history.find((l) => (l.decision === 'sent' || l.decision === 'failed') && l.at >= event.at);
  return msg
    ? { kind: msg.decision, text: `${describeLine(event)}; ${describeLine(msg)}`, lines: [event, msg] }
    : {
        kind: 'grouped',
        text: `${describeLine(event)}; not sent yet (waiting for its group's flush)`,
        lines: [event],
      };
}

function groupsOf(all: readonly GroupState[], incidentKey: string): WhyGroup[] {
  return all.flatMap((g) =>
    g.incidents
      .filter((i) => i.incidentKey === incidentKey)
      .map((i) => ({
        receiver: g.receiver,
        groupKey: g.groupKey,
        route: g.route,
        count: i.count,
        pending: i.pending,
        sent: i.sent,
        nextCheckMs: g.nextCheckMs,
      })),
  );
}

/** Creates the "why" explainer. */
export function createWhy(deps: WhyDeps) {
  const linesFor = (occurrenceId: string | undefined, incidentKey: string | undefined): DecisionLine[] => {
    if (!deps.index) return [];
    const own = occurrenceId ? deps.index.byOccurrence(occurrenceId) : [];
    const inc = incidentKey ? deps.index.byIncident(incidentKey) : [];
    // occurrence queries: its own lines and the messages of its incident; incident queries: everything
    const messages = inc.filter((l) => l.decision === 'sent' || l.decision === 'failed');
    const lines = occurrenceId ? [...own, ...messages] : inc;
    return [...new Set(lines)].sort((a, b) => a.at - b.at);
  };
  return async (q: WhyQuery): Promise<WhyAnswer> => {
    let event: EventV1 | undefined;
    let occurrenceId = q.occurrenceId?.trim() || undefined;
    let incidentKey = q.incidentKey?.trim() || undefined;
    if (q.event !== undefined && q.event !== '') {
      event = parseEvent(q.event);
      occurrenceId = event.occurrenceId;
      incidentKey = event.incidentKey;
    }
    if (!occurrenceId && !incidentKey)
      throw new KhError('console_bad_request', 'give an event, an occurrenceId or an incidentKey');
    const [now] = event ? await deps.engine.process([event], { dryRun: true }) : [];
    const history = linesFor(occurrenceId, incidentKey);
    if (!incidentKey) incidentKey = history.find((l) => l.incidentKey)?.incidentKey;
    const groups = incidentKey ? groupsOf(await deps.groups(), incidentKey) : [];
    const v = verdictOf(history, now, occurrenceId === undefined);
    return {
      verdict: v.text,
      kind: v.kind,
      ...(v.lines ? { verdictLines: v.lines } : {}),
      ...(occurrenceId ? { occurrenceId } : {}),
      ...(incidentKey ? { incidentKey } : {}),
      history,
      historyAvailable: deps.index !== undefined,
      ...(now ? { now } : {}),
      ...(event ? { routing: deps.explain(event) } : {}),
      groups,
    };
  };
}
