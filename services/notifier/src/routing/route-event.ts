import type { EventV1 } from '@kube-herald/events';
import type { RouteExplanation, RouteMatch, RoutingResult } from '../model.js';
import type { CompiledRoute } from './compile.js';
import { eventField } from './fields.js';
import { matcherMatches } from './matcher.js';
import { groupKeyFor } from './group-key.js';

/** Options of {@link routeEvent}. */
export interface RouteEventOptions {
  /** When given, a route whose receiver is not known delivers nothing (explained). */
  readonly receiverKnown?: (receiver: string) => boolean;
  /** Build the per-route explanation (default true; the hot path may turn it off). */
  readonly explain?: boolean;
}

type Outcome = 'matched' | 'no-match' | 'dropped';

interface Walk {
  readonly event: EventV1;
  readonly opts: RouteEventOptions;
  readonly matches: RouteMatch[];
  readonly explanation: RouteExplanation[] | undefined;
  dropped?: { route: string; rule: string };
}

const MAX_SHOWN = 80;
function shown(v: string): string {
  return JSON.stringify(v.length > MAX_SHOWN ? `${v.slice(0, MAX_SHOWN)}…` : v);
}

/** Why `route` does not take `event`, or undefined when it does (ignoring drop rules). */
function mismatch(route: CompiledRoute, event: EventV1): string | undefined {
  if (event.count < route.minCount) return `count ${event.count} < minCount ${route.minCount}`;
  for (const m of route.matchers) {
    if (matcherMatches(m, event)) continue;
    const v = shown(eventField(event, m.field));
    return m.op === '!~'
      ? `${m.field} = ${v} matches excluded /${m.value}/`
      : `${m.field} = ${v} !~ /${m.value}/`;
  }
  return undefined;
}

function explain(w: Walk, route: string, outcome: RouteExplanation['outcome'], detail: string): number {
  if (!w.explanation) return -1;
  return w.explanation.push({ route, outcome, detail }) - 1;
}

function notReached(w: Walk, route: CompiledRoute): void {
  if (!w.explanation) return;
  explain(w, route.id, 'not-reached', 'not reached');
  for (const child of route.routes) notReached(w, child);
}

function deliver(w: Walk, route: CompiledRoute): string {
  const receiver = route.receiver;
  if (receiver === undefined) return 'matched, but no receiver on this route or its parents';
  if (w.opts.receiverKnown && !w.opts.receiverKnown(receiver))
    return `matched, but receiver "${receiver}" is unknown`;
  const { groupKey, groupLabels } = groupKeyFor({ receiver, groupBy: route.timing.groupBy }, w.event);
  w.matches.push({ route: route.id, receiver, ...route.timing, groupKey, groupLabels });
  return `matched → ${receiver} (group ${groupKey})`;
}

function visitChildren(w: Walk, route: CompiledRoute): { taken: boolean; dropped: boolean } {
  let taken = false;
  let stopped = false;
  let dropped = false;
  for (const child of route.routes) {
    if (stopped || dropped) {
      notReached(w, child);
      continue;
    }
    const out = visit(w, child);
    dropped = out === 'dropped';
    if (out === 'matched') {
      taken = true;
      stopped = !child.continue;
    }
  }
  return { taken, dropped };
}

function visit(w: Walk, route: CompiledRoute): Outcome {
  const why = mismatch(route, w.event);
  if (why !== undefined) {
    explain(w, route.id, 'no-match', why);
    for (const child of route.routes) notReached(w, child);
    return 'no-match';
  }
  const rule = route.drop.find((r) => r.matchers.every((m) => matcherMatches(m, w.event)));
  if (rule) {
    w.dropped = { route: route.id, rule: rule.text };
    explain(w, route.id, 'dropped', `dropped by ${rule.text}`);
    for (const child of route.routes) notReached(w, child);
    return 'dropped';
  }
  if (route.filterOnly) {
    explain(w, route.id, 'no-match', 'filter: no drop rule matched, passed on');
    return 'no-match';
  }
  const at = explain(w, route.id, 'matched', '');
  const { taken, dropped } = visitChildren(w, route);
  const detail = dropped
    ? 'matched; dropped below'
    : taken
      ? 'matched; delivered by child routes'
      : deliver(w, route);
  if (w.explanation && at >= 0) w.explanation[at] = { route: route.id, outcome: 'matched', detail };
  return dropped ? 'dropped' : 'matched';
}

/**
 * Routes one event through a compiled tree (semantics in routing/README.md): depth-first, children in
 * order, the first matching child takes the event unless it has `continue: true`, a route delivers
 * itself only when none of its children matched. A drop rule ends the routing of the event. Pure.
 */
export function routeEvent(tree: CompiledRoute, event: EventV1, opts: RouteEventOptions = {}): RoutingResult {
  const w: Walk = { event, opts, matches: [], explanation: opts.explain === false ? undefined : [] };
  visit(w, tree);
  return w.dropped
    ? { matches: w.matches, dropped: w.dropped, explanation: w.explanation ?? [] }
    : { matches: w.matches, explanation: w.explanation ?? [] };
}
