import { KhError } from '@kube-herald/errors';
import type { GroupTiming } from '../model.js';
import { compileMatcher } from './matcher.js';
import type { CompiledMatcher, MatchOp } from './matcher.js';
import type { RouteConfig } from './route-schema.js';

/** Defaults of the root route (documented in routing/README.md). */
export const ROUTE_DEFAULTS: GroupTiming = Object.freeze({
  groupBy: Object.freeze(['cluster', 'namespace'] as const),
  groupWait: 10_000,
  groupInterval: 60_000,
  repeatInterval: 4 * 3_600_000,
  resolveAfter: 15 * 60_000,
});

/** A drop rule, compiled: every matcher must match for the rule to drop. */
export interface CompiledDropRule {
  readonly id: string;
  readonly text: string;
  readonly matchers: readonly CompiledMatcher[];
}

/** A node of the compiled route tree: inherited settings resolved, regexes compiled. */
export interface CompiledRoute {
  readonly id: string;
  readonly receiver: string | undefined;
  readonly timing: GroupTiming;
  readonly continue: boolean;
  readonly minCount: number;
  readonly matchers: readonly CompiledMatcher[];
  readonly drop: readonly CompiledDropRule[];
  /** Only drop rules: the route never takes an event, it can only drop it (see README). */
  readonly filterOnly: boolean;
  readonly routes: readonly CompiledRoute[];
}

function matchers(
  patterns: Readonly<Record<string, string>> | undefined,
  op: MatchOp,
  path: string,
): CompiledMatcher[] {
  return Object.entries(patterns ?? {}).map(([field, value]) => {
    try {
      return compileMatcher({ field, op, value });
    } catch (err) {
      throw new KhError('route_invalid', `${path}.${field}: ${(err as Error).message}`, { cause: err });
    }
  });
}

function compileNode(cfg: RouteConfig, id: string, parent: CompiledRoute | undefined): CompiledRoute {
  const inherited = parent?.timing ?? ROUTE_DEFAULTS;
  const timing: GroupTiming = Object.freeze({
    groupBy: Object.freeze([...(cfg.groupBy ?? inherited.groupBy)]),
    groupWait: cfg.groupWait ?? inherited.groupWait,
    groupInterval: cfg.groupInterval ?? inherited.groupInterval,
    repeatInterval: cfg.repeatInterval ?? inherited.repeatInterval,
    resolveAfter: cfg.resolveAfter ?? inherited.resolveAfter ?? 0,
  });
  const drop = (cfg.drop ?? []).map((rule, i): CompiledDropRule => {
    const ms = matchers(rule, '=~', `${id}.drop[${i}]`);
    return { id: `drop[${i}]`, text: `drop[${i}] ${ms.map((m) => m.text).join(', ')}`, matchers: ms };
  });
  const node = {
    id: cfg.name ?? id,
    receiver: cfg.receiver ?? parent?.receiver,
    timing,
    continue: cfg.continue ?? false,
    minCount: cfg.minCount ?? 0,
    matchers: [
      ...matchers(cfg.match, '=~', `${id}.match`),
      ...matchers(cfg.matchNot, '!~', `${id}.matchNot`),
    ],
    drop,
    filterOnly:
      drop.length > 0 &&
      !cfg.match &&
      !cfg.matchNot &&
      cfg.minCount === undefined &&
      !cfg.receiver &&
      !(cfg.routes ?? []).length,
    routes: [] as CompiledRoute[],
  };
  (cfg.routes ?? []).forEach((child, i) => node.routes.push(compileNode(child, `${id}.routes[${i}]`, node)));
  return Object.freeze(node);
}

/**
 * Compiles a validated route tree (the `route` section of the notifier config). Pure; throws
 * `KhError('route_invalid')` when a field or regex is invalid (the config schema reports those first).
 */
export function compileRoutes(route: RouteConfig): CompiledRoute {
  return compileNode(route, 'root', undefined);
}

/** Each route's resolveAfter (ms, 0: no resolved notices), by route id (the `route` of its groups). */
export function resolveAfterByRoute(tree: CompiledRoute): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (n: CompiledRoute): void => {
    out[n.id] = n.timing.resolveAfter ?? 0;
    n.routes.forEach(walk);
  };
  walk(tree);
  return out;
}
