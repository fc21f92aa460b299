export { EVENT_FIELDS, eventField, isEventField, topOwner } from './fields.js';
export type { EventField } from './fields.js';
export {
  MATCH_OPS,
  anchoredRegex,
  compileMatcher,
  matcherMatches,
  matcherText,
  parseMatcher,
  regexProblem,
} from './matcher.js';
export type { CompiledMatcher, MatchOp, Matcher } from './matcher.js';
export { routeSchema, fieldPatternsSchema } from './route-schema.js';
export type { RouteConfig, RouteConfigInput } from './route-schema.js';
export { ROUTE_DEFAULTS, compileRoutes, resolveAfterByRoute } from './compile.js';
export type { CompiledDropRule, CompiledRoute } from './compile.js';
export { routeEvent } from './route-event.js';
export type { RouteEventOptions } from './route-event.js';
export { groupKeyFor } from './group-key.js';
export type { GroupKey } from './group-key.js';
