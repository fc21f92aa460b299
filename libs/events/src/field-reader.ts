import { cleanString, MAX_FIELD_BYTES } from './sanitize.js';
import { parseKubeTime, type ParsedTime } from './time.js';
import type { NormalizeWarningCode } from './types.js';

/** A path into the source object, one key per step. */
export type FieldPath = readonly string[];

const DECIMAL = /^\d{1,15}$/;

/** True for a non-null, non-array object (a JSON object). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A set of paths as a tree, one level per key: `true` marks a path whose whole subtree is in the
 * set. Lookups walk the source object's keys, so no path string is ever built (keys containing
 * dots stay distinct for free).
 */
export type PathTree = Map<string, PathTree | true>;

/** Adds `path` (and so its subtree) to `tree`; a path under one already in the tree changes nothing. */
export function addPath(tree: PathTree, path: FieldPath): void {
  const last = path.length - 1;
  if (last < 0) return;
  let node = tree;
  for (let i = 0; i < last; i++) {
    const key = path[i]!;
    const next = node.get(key);
    if (next === true) return;
    if (next === undefined) {
      const created: PathTree = new Map();
      node.set(key, created);
      node = created;
    } else {
      node = next;
    }
  }
  node.set(path[last]!, true);
}

/**
 * Reads fields of an untrusted source object. Every successful read marks its path as *taken*:
 * taken paths are represented in the typed event, everything else is copied to `extra`. A value
 * of the wrong shape is not taken, so it survives verbatim in `extra`, and a warning says why.
 */
export class FieldReader {
  readonly warnings: string[] = [];
  readonly taken: PathTree = new Map();

  constructor(readonly root: Record<string, unknown>) {}

  /** The raw value at `path`, or undefined when any step is missing or not an object. */
  get(path: FieldPath): unknown {
    let node: unknown = this.root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
      node = node[key];
    }
    return node;
  }

  /** Marks `path` (and its whole subtree) as represented in the typed event. */
  take(path: FieldPath): void {
    addPath(this.taken, path);
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
    if (typeof value === 'string' && DECIMAL.test(value)) {
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
