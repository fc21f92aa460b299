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
