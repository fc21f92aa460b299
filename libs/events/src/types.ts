import type { EventV1, OwnerRef } from './schema.js';

/** What the collector knows that the Event object does not. */
export interface NormalizeContext {
  readonly cluster: { readonly id: string; readonly name: string };
  readonly collector: { readonly instance: string; readonly version: string };
  /** When the collector saw this version of the object (list or watch). */
  readonly observedAt: Date;
  /** Selected labels of the involved object (enrichment). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Owner chain of the involved object, nearest first (enrichment). */
  readonly owners?: readonly OwnerRef[];
}

/** Stable codes for an object that cannot be normalized. */
export type NormalizeFailureReason =
  | 'not_an_object'
  | 'not_an_event'
  | 'unsupported_api_version'
  | 'missing_uid'
  | 'invalid_context'
  | 'schema_mismatch';

/** A normalized event plus what was repaired on the way (`code:path`, e.g. `invalid_time:lastTimestamp`). */
export interface NormalizeSuccess {
  readonly ok: true;
  readonly event: EventV1;
  readonly warnings: readonly string[];
}

/** Why normalization was refused; `reason` is stable, `detail` is for humans. */
export interface NormalizeFailure {
  readonly ok: false;
  readonly reason: NormalizeFailureReason;
  readonly detail: string;
}

/** Outcome of the builders; they never throw on bad input. */
export type NormalizeResult = NormalizeSuccess | NormalizeFailure;

/** Shorthand for a failure result. */
export function failure(reason: NormalizeFailureReason, detail: string): NormalizeFailure {
  return { ok: false, reason, detail };
}

/**
 * Every code a normalize warning can start with (`<code>:<path>`). A fixed set, so the part
 * before ':' is safe as a metric label.
 */
export const NORMALIZE_WARNING_CODES = [
  'api_version_inferred',
  'coerced_to_number',
  'coerced_to_string',
  'invalid_count',
  'invalid_time',
  'last_seen_before_first_seen',
  'missing_object_ref',
  'missing_reason',
  'null_string',
  'renamed_key',
  'sanitized',
  'sanitized_key',
  'synthetic_uid',
  'time_from_observed_at',
  'too_deep',
  'too_many_entries',
  'truncated',
  'type_case_fixed',
  'type_missing_assumed_Normal',
  'type_missing_assumed_Warning',
  'type_unknown_assumed_Warning',
  'unsupported_value',
  'wrong_type',
  'zero_time',
] as const;

/** One of {@link NORMALIZE_WARNING_CODES}. */
export type NormalizeWarningCode = (typeof NORMALIZE_WARNING_CODES)[number];
