import { cleanString, MAX_FIELD_BYTES } from './sanitize.js';
import { parseKubeTime, type ParsedTime } from './time.js';
import type { NormalizeWarningCode } from './types.js';

/** A path into the source object, one key per step. */
export type FieldPath = readonly string[];

/** True for a non-null, non-array object (a JSON object). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stable key of a path in the `taken` set (JSON, so keys containing dots stay distinct). */
export function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}

/**
 * Reads fields of an untrusted source object. Every successful read marks its path as *taken*:
 * taken paths are represented in the typed event, everything else is copied to `extra`. A value
 * of the wrong shape is not taken, so it survives verbatim in `extra`, and a warning says why.
 */
export class FieldReader {
  readonly warnings: string[] = [];
  readonly taken = new Set<string>();

  constructor(readonly root: Record<string, unknown>) {}

  /** The raw value at `path`, or undefined when any step is missing or not an object. */
  get(path: FieldPath): unknown {
    let node: unknown = this.root;
    for (const key of path) {
      if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
      node = node[key];
    }
    return node;
  }

  /** Marks `path` (and its whole subtree) as represented in the typed event. */
  take(path: FieldPath): void {
    this.taken.add(pathKey(path));
  }

  /** Records a warning `code:path` (codes: NORMALIZE_WARNING_CODES). */
  warn(code: NormalizeWarningCode, path: FieldPath): void {
    this.warnings.push(`${code}:${path.join('.')}`);
  }

  /** A string field: sanitized and bounded; '' and null read as absent; numbers/booleans coerced. */
  text(path: FieldPath, maxBytes = MAX_FIELD_BYTES): string | undefined {
    const value = this.get(path);
    if (value === undefined || value === null || value === '') {
      this.take(path);
      return undefined;
    }
    if (typeof value === 'number' || typeof value === 'boolean') {
      this.take(path);
      this.warn('coerced_to_string', path);
      return String(value);
    }
    if (typeof value !== 'string') {
      this.warn('wrong_type', path);
      return undefined;
    }
    this.take(path);
    const cleaned = cleanString(value, maxBytes);
    if (cleaned.sanitized) this.warn('sanitized', path);
    if (cleaned.truncated) this.warn('truncated', path);
    return cleaned.value;
  }

  /** Like {@link text}, but the string "null" (how some bundle writers serialise null) is absent. */
  nullableText(path: FieldPath): string | undefined {
    if (this.get(path) === 'null') {
      this.take(path);
      this.warn('null_string', path);
      return undefined;
    }
    return this.text(path);
  }

  /** A non-negative integer; a decimal string is accepted with a warning; anything else is left. */
  count(path: FieldPath): number | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) {
      this.take(path);
      return undefined;
    }
    if (typeof value === 'string' && /^\d{1,15}$/.test(value)) {
      this.take(path);
      this.warn('coerced_to_number', path);
      return Number(value);
    }
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
      this.take(path);
      return value;
    }
    this.warn('invalid_count', path);
    return undefined;
  }

  /** A Time/MicroTime; null, '', "null" and Go's zero time read as absent; garbage is left. */
  time(path: FieldPath): ParsedTime | undefined {
    const value = this.get(path);
    if (value === undefined || value === null || value === '') {
      this.take(path);
      return undefined;
    }
    if (value === 'null') {
      this.take(path);
      this.warn('null_string', path);
      return undefined;
    }
    const parsed = typeof value === 'string' ? parseKubeTime(value) : undefined;
    if (!parsed) {
      this.warn('invalid_time', path);
      return undefined;
    }
    this.take(path);
    if (parsed.zero) {
      this.warn('zero_time', path);
      return undefined;
    }
    return parsed;
  }
}
