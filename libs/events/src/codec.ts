import { EVENT_SCHEMA_V1, eventV1Schema, type EventV1 } from './schema.js';
import { summarizeIssues } from './zod-issues.js';
import { isRecord } from './field-reader.js';

/** Kafka headers of an Event v1 record. */
export const EVENT_HEADERS = Object.freeze({ schema: EVENT_SCHEMA_V1 });

/** Stable codes for a record value that is not a valid Event v1. */
export type DecodeFailureReason = 'invalid_json' | 'schema_mismatch' | 'unknown_schema_version';

/** Outcome of {@link decodeEvent}; never throws. */
export type DecodeResult =
  | { readonly ok: true; readonly event: EventV1 }
  | { readonly ok: false; readonly reason: DecodeFailureReason; readonly detail: string };

/** Serializes an event as the UTF-8 JSON value of a Kafka record. */
export function encodeEvent(event: EventV1): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates a Kafka record value. `invalid_json` covers bad UTF-8 too;
 * `unknown_schema_version` means a `schema` other than v1 (a newer producer);
 * `schema_mismatch` lists the zod issues as `path: message`. When the record's `headers` are
 * given, a `schema` header other than v1 is `unknown_schema_version` before the value is parsed.
 */
export function decodeEvent(
  value: Uint8Array | string,
  headers?: Readonly<Record<string, string | Buffer | undefined>>,
): DecodeResult {
  const header = headers?.['schema'];
  if (header !== undefined && header.toString() !== EVENT_SCHEMA_V1) {
    return {
      ok: false,
      reason: 'unknown_schema_version',
      detail: `schema header is ${JSON.stringify(header.toString()).slice(0, 100)}, expected ${EVENT_SCHEMA_V1}`,
    };
  }
  let parsed: unknown;
  try {
    const text = typeof value === 'string' ? value : utf8.decode(value);
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: err instanceof Error ? err.message : String(err) };
  }
  if (isRecord(parsed) && parsed['schema'] !== EVENT_SCHEMA_V1 && typeof parsed['schema'] === 'string') {
    return {
      ok: false,
      reason: 'unknown_schema_version',
      detail: `schema is ${JSON.stringify(parsed['schema']).slice(0, 100)}, expected ${EVENT_SCHEMA_V1}`,
    };
  }
  const result = eventV1Schema.safeParse(parsed);
  if (!result.success) {
    return { ok: false, reason: 'schema_mismatch', detail: summarizeIssues(result.error.issues) };
  }
  return { ok: true, event: result.data };
}
