import { randomUUID } from 'node:crypto';
import { parseDuration } from '@kube-herald/config';
import { KhError } from '@kube-herald/errors';
import type { EventV1 } from '@kube-herald/events';
import { compileMatcher, matcherMatches, parseMatcher } from '../routing/matcher.js';
import type { CompiledMatcher, Matcher } from '../routing/matcher.js';

/** A silence as stored: events matching every matcher between startsAt and endsAt are not notified. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAt: string;
}

/** What `add` takes: matchers as objects or text (`reason=~"Back.*"`); `endsAt` or `for` (`2h`). */
export interface SilenceInput {
  readonly matchers: readonly (Matcher | string)[];
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly for?: string | number;
  readonly createdBy: string;
  readonly comment: string;
}

/** A silence ready for the hot path. */
export interface ActiveSilence {
  readonly silence: Silence;
  readonly from: number;
  readonly until: number;
  readonly matchers: readonly CompiledMatcher[];
}

function invalid(message: string, cause?: unknown): KhError {
  return new KhError('silence_invalid', message, cause === undefined ? {} : { cause });
}

function toMatcher(m: Matcher | string): Matcher {
  try {
    const matcher = typeof m === 'string' ? parseMatcher(m) : m;
    compileMatcher(matcher);
    return { field: matcher.field, op: matcher.op, value: matcher.value };
  } catch (err) {
    throw invalid(`bad matcher: ${(err as Error).message}`, err);
  }
}

function endTime(input: SilenceInput, start: number): number {
  if (input.endsAt !== undefined) return Date.parse(input.endsAt);
  const ms =
    typeof input.for === 'number'
      ? input.for
      : input.for === undefined
        ? undefined
        : parseDuration(input.for);
  if (ms === undefined) throw invalid('set endsAt or a valid duration in for (e.g. 2h)');
  return start + ms;
}

/** Validates an input and builds the silence to store. Throws `KhError('silence_invalid')`. */
export function buildSilence(input: SilenceInput, now: number): Silence {
  if (input.matchers.length === 0) throw invalid('a silence needs at least one matcher');
  if (!input.createdBy.trim()) throw invalid('createdBy is required');
  const matchers = input.matchers.map(toMatcher);
  const start = input.startsAt === undefined ? now : Date.parse(input.startsAt);
  const end = endTime(input, start);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw invalid('startsAt/endsAt must be ISO 8601 times');
  if (end <= start) throw invalid('endsAt must be after startsAt');
  return {
    id: randomUUID(),
    matchers,
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(end).toISOString(),
    createdBy: input.createdBy,
    comment: input.comment,
    createdAt: new Date(now).toISOString(),
  };
}

/** Compiles a stored silence for matching. */
export function activate(silence: Silence): ActiveSilence {
  return {
    silence,
    from: Date.parse(silence.startsAt),
    until: Date.parse(silence.endsAt),
    matchers: silence.matchers.map(compileMatcher),
  };
}

/** True when the silence covers the event at `now`. */
export function silences(active: ActiveSilence, event: EventV1, now: number): boolean {
  return active.from <= now && now < active.until && active.matchers.every((m) => matcherMatches(m, event));
}
