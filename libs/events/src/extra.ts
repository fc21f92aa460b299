import { addPath, isRecord, type FieldPath, type PathTree } from './field-reader.js';
import { cleanString, MAX_EXTRA_STRING_BYTES, MAX_FIELD_BYTES } from './sanitize.js';

/**
 * Paths dropped as noise rather than kept in `extra`: `managedFields` is the API server's
 * field-ownership bookkeeping (large, says nothing about the event), `selfLink` is derivable
 * from `event.apiVersion/namespace/name` and deprecated since Kubernetes 1.16.
 */
export const NOISE_PATHS: readonly FieldPath[] = [
  ['metadata', 'managedFields'],
  ['metadata', 'selfLink'],
];

const MAX_DEPTH = 32;
const MAX_ENTRIES = 1000;
const noise: PathTree = new Map();
for (const path of NOISE_PATHS) addPath(noise, path);

// The walk's path so far: one shared stack, joined only when a warning names it. Each step also
// carries the taken / noise subtrees at that path (undefined: nothing below is marked).
interface Walk {
  readonly path: string[];
  readonly warnings: string[];
}

/**
 * Copies what the typed event does not carry: every path of `root` that is neither taken nor
 * noise, strings sanitized and bounded, empty objects/arrays pruned. Returns undefined when
 * nothing is left. Bounded in depth and width so hostile input cannot blow the stack or a record.
 */
export function buildExtra(
  root: Record<string, unknown>,
  taken: PathTree,
  warnings: string[],
): Record<string, unknown> | undefined {
  const copy = copyValue(root, { path: [], warnings }, taken, noise);
  return isRecord(copy) ? copy : undefined;
}

function where(walk: Walk): string {
  return `extra.${walk.path.join('.')}`;
}

function copyValue(value: unknown, walk: Walk, taken?: PathTree, skip?: PathTree): unknown {
  if (typeof value === 'string') {
    const cleaned = cleanString(value, MAX_EXTRA_STRING_BYTES);
    if (cleaned.sanitized) walk.warnings.push(`sanitized:${where(walk)}`);
    if (cleaned.truncated) walk.warnings.push(`truncated:${where(walk)}`);
    return cleaned.value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'object') {
    walk.warnings.push(`unsupported_value:${where(walk)}`);
    return undefined;
  }
  if (walk.path.length >= MAX_DEPTH) {
    walk.warnings.push(`too_deep:${where(walk)}`);
    return '[kube-herald: nesting too deep]';
  }
  return Array.isArray(value)
    ? copyArray(value, walk, taken, skip)
    : copyObject(value as Record<string, unknown>, walk, taken, skip);
}

// The subtree of `tree` under `key`, for a child that is walked (a `true` there is only honoured
// for object keys, where it means "skip"; under an array index it marks nothing below).
function below(tree: PathTree | undefined, key: string): PathTree | undefined {
  const next = tree?.get(key);
  return next === true ? undefined : next;
}

function copyArray(items: readonly unknown[], walk: Walk, taken?: PathTree, skip?: PathTree) {
  if (items.length > MAX_ENTRIES) walk.warnings.push(`too_many_entries:${where(walk)}`);
  const n = Math.min(items.length, MAX_ENTRIES);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const key = String(i);
    walk.path.push(key);
    out.push(copyValue(items[i], walk, below(taken, key), below(skip, key)) ?? null);
    walk.path.pop();
  }
  return out.length > 0 ? out : undefined;
}

function copyObject(obj: Record<string, unknown>, walk: Walk, taken?: PathTree, skip?: PathTree) {
  const keys = Object.keys(obj);
  if (keys.length > MAX_ENTRIES) walk.warnings.push(`too_many_entries:${where(walk)}`);
  const n = Math.min(keys.length, MAX_ENTRIES);
  const entries: [string, unknown][] = [];
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const t = taken?.get(key);
    const s = skip?.get(key);
    if (t === true || s === true) continue;
    walk.path.push(key);
    const child = copyValue(obj[key], walk, t, s);
    if (child !== undefined) entries.push([safeKey(key, walk), child]);
    walk.path.pop();
  }
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

// "__proto__" is renamed: zod (and many `obj[key] = v` consumers) drop or misinterpret it, and the
// value is still worth keeping.
function safeKey(key: string, walk: Walk): string {
  if (key === '__proto__') {
    walk.warnings.push(`renamed_key:${where(walk)}`);
    return '[__proto__]';
  }
  const clean = cleanString(key, MAX_FIELD_BYTES);
  if (clean.sanitized || clean.truncated) walk.warnings.push(`sanitized_key:${where(walk)}`);
  return clean.value;
}
