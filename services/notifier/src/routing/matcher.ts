import { KhError } from '@kube-herald/errors';
import type { EventV1 } from '@kube-herald/events';
import { eventField, isEventField } from './fields.js';

/**
 * Matcher operators (Alertmanager's): `=` equality, `!=` inequality, `=~` regex, `!~` negated regex.
 * Regexes are anchored full matches: `Back` does not match `BackOff`, `Back.*` does.
 */
export const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatchOp = (typeof MATCH_OPS)[number];

/** One condition on one event field (shared by routes, drop rules and silences). */
export interface Matcher {
  readonly field: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** A matcher ready to test events: the regex is compiled once. */
export interface CompiledMatcher extends Matcher {
  readonly re?: RegExp;
  readonly text: string;
}

/** Compiles a pattern the way routes and silences use it: `^(?:pattern)$`. Throws a SyntaxError. */
export function anchoredRegex(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** Returns the problem with a pattern, or undefined when it compiles. */
export function regexProblem(pattern: string): string | undefined {
  try {
    anchoredRegex(pattern);
    return undefined;
  } catch (err) {
    return `invalid regular expression /${pattern}/: ${(err as Error).message}`;
  }
}

/** Renders a matcher as text: `reason=~"BackOff|OOMKilling"`. */
export function matcherText(m: Matcher): string {
  return `${m.field}${m.op}${JSON.stringify(m.value)}`;
}

/** Compiles a matcher; throws `KhError('matcher_invalid')` for an unknown field or a bad regex. */
export function compileMatcher(m: Matcher): CompiledMatcher {
  if (!isEventField(m.field)) {
    throw new KhError('matcher_invalid', `unknown field "${m.field}" in ${matcherText(m)}`);
  }
  const text = matcherText(m);
  if (m.op === '=' || m.op === '!=') return { ...m, text };
  const problem = regexProblem(m.value);
  if (problem) throw new KhError('matcher_invalid', `${text}: ${problem}`);
  return { ...m, re: anchoredRegex(m.value), text };
}

/** Tests one compiled matcher against an event. */
export function matcherMatches(m: CompiledMatcher, event: EventV1): boolean {
  const v = eventField(event, m.field);
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.re?.test(v) ?? false;
    case '!~':
      return !(m.re?.test(v) ?? false);
  }
}

const MATCHER_TEXT = /^\s*([A-Za-z][\w./-]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/su;

/**
 * Parses `reason=~"Back.*"`, `namespace=payments`, `labels.app!="web"` (value quoted as JSON or bare).
 * Throws `KhError('matcher_invalid')`.
 */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER_TEXT.exec(text);
  if (!m) throw new KhError('matcher_invalid', `cannot parse matcher ${JSON.stringify(text)}`);
  const [, field = '', op = '=', raw = ''] = m;
  let value = raw;
  if (raw.startsWith('"')) {
    try {
      value = String(JSON.parse(raw));
    } catch (err) {
      throw new KhError('matcher_invalid', `bad quoted value in matcher ${JSON.stringify(text)}`, {
        cause: err,
      });
    }
  }
  const matcher: Matcher = { field, op: op as MatchOp, value };
  compileMatcher(matcher);
  return matcher;
}
