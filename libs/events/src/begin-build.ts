import { checkContext } from './assemble.js';
import { FieldReader, isRecord } from './field-reader.js';
import { readMeta, type EventMeta } from './source-fields.js';
import { failure, type NormalizeContext, type NormalizeResult } from './types.js';

/**
 * Starts a build: refuses non-objects and non-Events, validates the context, takes `kind`
 * and reads `metadata`. Shared by both builders.
 */
export function beginBuild(
  obj: unknown,
  ctx: NormalizeContext,
): { reader: FieldReader; meta: EventMeta } | NormalizeResult {
  if (!isRecord(obj)) {
    const what = Array.isArray(obj) ? 'an array' : obj === null ? 'null' : typeof obj;
    return failure('not_an_object', `expected a JSON object, got ${what}`);
  }
  const bad = checkContext(ctx);
  if (bad) return bad;
  const reader = new FieldReader(obj);
  const kind = obj['kind'];
  if (kind !== undefined && kind !== null && kind !== '' && kind !== 'Event') {
    return failure('not_an_event', `kind is ${JSON.stringify(kind)?.slice(0, 100)}, expected "Event"`);
  }
  reader.take(['kind']);
  const meta = readMeta(reader);
  if ('ok' in meta) return meta;
  return { reader, meta };
}
