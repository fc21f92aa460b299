import { isRecord, pathKey, type FieldPath } from './field-reader.js';
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
const noise = new Set(NOISE_PATHS.map(pathKey));

/**
 * Copies what the typed event does not carry: every path of `root` that is neither taken nor
 * noise, strings sanitized and bounded, empty objects/arrays pruned. Returns undefined when
 * nothing is left. Bounded in depth and width so hostile input cannot blow the stack or a record.
 */
export function buildExtra(
  root: Record<string, unknown>,
  taken: ReadonlySet<string>,
  warnings: string[],
): Record<string, unknown> | undefined {
  const copy = copyValue(root, [], taken, warnings);
  return isRecord(copy) ? copy : undefined;
}

function copyValue(value: unknown, path: string[], taken: ReadonlySet<string>, warnings: string[]): unknown {
  if (typeof value === 'string') {
    const cleaned = cleanString(value, MAX_EXTRA_STRING_BYTES);
    if (cleaned.sanitized) warnings.push(`sanitized:extra.${path.join('.')}`);
    if (cleaned.truncated) warnings.push(`truncated:extra.${path.join('.')}`);
    return cleaned.value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'object') {
    warnings.push(`unsupported_value:extra.${path.join('.')}`);
    return undefined;
  }
  if (path.length >= MAX_DEPTH) {
    warnings.push(`too_deep:extra.${path.join('.')}`);
    return '[kube-herald: nesting too deep]';
  }
  return Array.isArray(value)
    ? copyArray(value, path, taken, warnings)
    : copyObject(value as Record<string, unknown>, path, taken, warnings);
}

function copyArray(
  items: readonly unknown[],
  path: string[],
  taken: ReadonlySet<string>,
  warnings: string[],
): unknown[] | undefined {
  if (items.length > MAX_ENTRIES) warnings.push(`too_many_entries:extra.${path.join('.')}`);
  const out = items
    .slice(0, MAX_ENTRIES)
    .map((item, i) => copyValue(item, [...path, String(i)], taken, warnings) ?? null);
  return out.length > 0 ? out : undefined;
}

function copyObject(
  obj: Record<string, unknown>,
  path: string[],
  taken: ReadonlySet<string>,
  warnings: string[],
): Record<string, unknown> | undefined {
  const entries: [string, unknown][] = [];
  const keys = Object.keys(obj);
  if (keys.length > MAX_ENTRIES) warnings.push(`too_many_entries:extra.${path.join('.')}`);
  for (const key of keys.slice(0, MAX_ENTRIES)) {
    const childPath = [...path, key];
    const k = pathKey(childPath);
    if (taken.has(k) || noise.has(k)) continue;
    const child = copyValue(obj[key], childPath, taken, warnings);
    if (child === undefined) continue;
    entries.push([safeKey(key, childPath, warnings), child]);
  }
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

// "__proto__" is renamed: zod (and many `obj[key] = v` consumers) drop or misinterpret it, and the
// value is still worth keeping.
function safeKey(key: string, path: string[], warnings: string[]): string {
  if (key === '__proto__') {
    warnings.push(`renamed_key:extra.${path.join('.')}`);
    return '[__proto__]';
  }
  const clean = cleanString(key, MAX_FIELD_BYTES);
  if (clean.sanitized || clean.truncated) warnings.push(`sanitized_key:extra.${path.join('.')}`);
  return clean.value;
}
