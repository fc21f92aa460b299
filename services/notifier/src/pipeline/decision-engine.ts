import type { EventV1 } from '@kube-herald/events';
import type { RouteMatch, RoutingResult } from '../model.js';
import {
  groupId,
  type GroupRef,
  type GroupStore,
  type RecordItem,
  type RecordOutcome,
} from '../store/group-store.js';
import { summaryJson } from './digest.js';

/** A silence that matched an event. */
export interface SilenceHit {
  readonly id: string;
}

/** In-memory silence matching (the silence store keeps its list fresh from Redis). */
export interface SilenceMatcher {
  match(event: EventV1, now: number): SilenceHit | undefined;
}

/** Where an event went in one group. */
export interface GroupPlacement {
  readonly receiver: string;
  readonly route: string;
  readonly groupKey: string;
}

/**
 * What the engine decided for one event. Dedup is per (occurrence, receiver): `deduped` when every matched
 * receiver already had the occurrence; `grouped` lists only the groups it joined now, and
 * `dedupedReceivers` the matched receivers that already had it (absent when none).
 */
export type Decision = { readonly occurrenceId: string; readonly incidentKey: string } & (
  | { readonly kind: 'deduped' }
  | { readonly kind: 'dropped'; readonly route: string; readonly rule: string }
  | { readonly kind: 'silenced'; readonly silenceId: string }
  | { readonly kind: 'unrouted' }
  | {
      readonly kind: 'grouped';
      readonly groups: readonly GroupPlacement[];
      readonly dedupedReceivers?: readonly string[];
    }
);

/** Options of one {@link DecisionEngine.process} call. */
export interface ProcessOptions {
  /** Decide without writing anything (dedup is read-only). */
  readonly dryRun?: boolean;
  /** Ignore dedup marks (replay `--force`); the marks are still written. Without it, a receiver gets only
   * occurrences it has not had (a replay backfills a new receiver and sends nothing twice). */
  readonly force?: boolean;
  /** Only deliver to receivers for which this returns true (replay to one new receiver). */
  readonly receiverFilter?: (receiver: string) => boolean;
  readonly now?: number;
}

/** Dependencies of {@link createDecisionEngine}. */
export interface DecisionEngineDeps {
  /** Routing of one event (pure), e.g. `(e) => routeEvent(tree, e, { explain: false })`. */
  readonly route: (event: EventV1) => RoutingResult;
  readonly silences?: SilenceMatcher;
  readonly store: GroupStore;
  readonly now?: () => number;
}

/** dedup → silence → route → group: the notifier's decision path, shared with replay and route test. */
export interface DecisionEngine {
  process(events: readonly EventV1[], options?: ProcessOptions): Promise<Decision[]>;
}

type Pre =
  | { readonly kind: 'dropped'; readonly route: string; readonly rule: string }
  | { readonly kind: 'silenced'; readonly silenceId: string }
  | { readonly kind: 'unrouted' }
  | { readonly kind: 'grouped'; readonly matches: readonly RouteMatch[] };

function ms(iso: string): number {
  return Date.parse(iso);
}

function toGroupRef(m: RouteMatch): GroupRef {
  return {
    gid: groupId(m.receiver, m.groupKey),
    receiver: m.receiver,
    groupKey: m.groupKey,
    labels: m.groupLabels,
    route: m.route,
    groupWait: m.groupWait,
    groupInterval: m.groupInterval,
    repeatInterval: m.repeatInterval,
  };
}

function recordItem(event: EventV1, pre: Pre): RecordItem {
  return {
    occurrenceId: event.occurrenceId,
    dedupKey: dedupKey(event),
    incidentKey: event.incidentKey,
    count: event.count,
    firstSeenMs: ms(event.firstSeen),
    lastSeenMs: ms(event.lastSeen),
    observedAtMs: ms(event.observedAt),
    summary: pre.kind === 'grouped' ? summaryJson(event) : '',
    groups: pre.kind === 'grouped' ? pre.matches.map(toGroupRef) : [],
  };
}

/** Dedup remembers per event uid (of its cluster) the highest count recorded. */
const dedupKey = (event: EventV1): string => `${event.cluster.id}/${event.event.uid}`;

function receiversOf(pre: Pre): string[] {
  return pre.kind === 'grouped' ? [...new Set(pre.matches.map((m) => m.receiver))] : [];
}

function decide(event: EventV1, pre: Pre, outcome: RecordOutcome): Decision {
  const id = { occurrenceId: event.occurrenceId, incidentKey: event.incidentKey };
  if (!outcome.fresh) return { ...id, kind: 'deduped' };
  if (pre.kind !== 'grouped') return { ...id, ...pre };
  const skip = new Set(outcome.deduped);
  const groups = pre.matches
    .filter((m) => !skip.has(m.receiver))
    .map((m) => ({ receiver: m.receiver, route: m.route, groupKey: m.groupKey }));
  if (skip.size === 0) return { ...id, kind: 'grouped', groups };
  return { ...id, kind: 'grouped', groups, dedupedReceivers: [...skip] };
}

const FRESH: RecordOutcome = { fresh: true, deduped: [] };
const UNROUTED: Pre = { kind: 'unrouted' };

/** Creates the decision engine. */
export function createDecisionEngine(deps: DecisionEngineDeps): DecisionEngine {
  const classify = (event: EventV1, now: number, filter: ProcessOptions['receiverFilter']): Pre => {
    const hit = deps.silences?.match(event, now);
    if (hit) return { kind: 'silenced', silenceId: hit.id };
    const routing = deps.route(event);
    if (routing.dropped) return { kind: 'dropped', ...routing.dropped };
    const matches = filter ? routing.matches.filter((m) => filter(m.receiver)) : routing.matches;
    return matches.length === 0 ? { kind: 'unrouted' } : { kind: 'grouped', matches };
  };
  return {
    async process(events, options = {}) {
      const now = options.now ?? deps.now?.() ?? Date.now();
      const pres = events.map((e) => classify(e, now, options.receiverFilter));
      let outcomes: RecordOutcome[];
      if (options.dryRun) {
        outcomes = options.force
          ? events.map(() => FRESH)
          : await deps.store.seen(
              events.map((e, i) => ({
                occurrenceId: e.occurrenceId,
                dedupKey: dedupKey(e),
                count: e.count,
                receivers: receiversOf(pres[i] ?? UNROUTED),
              })),
            );
      } else {
        const items = events.map((e, i) => recordItem(e, pres[i] ?? UNROUTED));
        outcomes = await deps.store.record(items, now, options.force);
      }
      return events.map((e, i) =>
        decide(e, pres[i] ?? UNROUTED, outcomes[i] ?? { fresh: false, deduped: [] }),
      );
    },
  };
}
