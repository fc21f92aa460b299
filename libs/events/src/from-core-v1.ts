import { assembleEvent } from './assemble.js';
import { beginBuild } from './begin-build.js';
import { MAX_MESSAGE_BYTES } from './sanitize.js';
import { readRef, readSeries, type SourceFields } from './source-fields.js';
import type { NormalizeContext, NormalizeResult } from './types.js';

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
    involvedObject: readRef(reader, ['involvedObject'], true),
    related: readRef(reader, ['related'], false),
  };
  return assembleEvent(reader, fields, ctx);
}
