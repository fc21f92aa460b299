import { assembleEvent, checkContext } from './assemble.js';
import { FieldReader, isRecord } from './field-reader.js';
import { MAX_MESSAGE_BYTES } from './sanitize.js';
import { readMeta, readRef, readSeries, type SourceFields } from './source-fields.js';
import { failure, type NormalizeContext, type NormalizeResult } from './types.js';

/**
 * Starts a build: refuses non-objects and non-Events, validates the context, takes `kind`
 * and reads `metadata`. Shared by both builders.
 */
export function beginBuild(
  obj: unknown,
  ctx: NormalizeContext,
): { reader: FieldReader; meta: SourceFields['meta'] } | NormalizeResult {
  if (!isRecord(obj)) {
    const what = Array.isArray(obj) ? 'an array' : obj === null ? 'null' : typeof obj;
    return failure('not_an_object', `expected a JSON object, got ${what}`);
  }
  const bad = checkContext(ctx);
  if (bad) return bad;
  const reader = new FieldReader(obj);
  const kind = obj['kind'];
  if (kind !== undefined && kind !== 'Event') {
    return failure('not_an_event', `kind is ${JSON.stringify(kind)?.slice(0, 100)}, expected "Event"`);
  }
  reader.take(['kind']);
  const meta = readMeta(reader);
  if ('ok' in meta) return meta;
  return { reader, meta };
}

/**
 * Normalizes a core/v1 Event (`apiVersion: v1`) into EventV1. Never throws: bad input gives
 * `{ ok: false, reason }`, repaired input gives `{ ok: true, warnings }`.
 */
export function fromCoreV1(obj: unknown, ctx: NormalizeContext): NormalizeResult {
  const begun = beginBuild(obj, ctx);
  if ('ok' in begun) return begun;
  const { reader, meta } = begun;
  reader.take(['apiVersion']);
  const series = readSeries(reader);
  const eventTime = reader.time(['eventTime']);
  const firstTimestamp = reader.time(['firstTimestamp']);
  const lastTimestamp = reader.time(['lastTimestamp']);
  const fields: SourceFields = {
    apiVersion: 'v1',
    meta,
    typePath: ['type'],
    reason: reader.text(['reason']),
    message: reader.text(['message'], MAX_MESSAGE_BYTES),
    action: reader.text(['action']),
    counts: [reader.count(['count']), series?.count],
    ...(series ? { series } : {}),
    firstCandidates: [firstTimestamp, eventTime, meta.created],
    lastCandidates: [series?.lastObservedTime, lastTimestamp, eventTime],
    eventTime,
    source: { component: reader.text(['source', 'component']), host: reader.text(['source', 'host']) },
    reportingController: reader.nullableText(['reportingComponent']),
    reportingInstance: reader.nullableText(['reportingInstance']),
    involvedObject: readRef(reader, ['involvedObject'], true)!,
    related: readRef(reader, ['related'], false),
  };
  return assembleEvent(reader, fields, ctx);
}
