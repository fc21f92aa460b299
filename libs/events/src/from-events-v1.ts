import { assembleEvent } from './assemble.js';
import { beginBuild } from './begin-build.js';
import { MAX_MESSAGE_BYTES } from './sanitize.js';
import { readRef, readSeries, type SourceFields } from './source-fields.js';
import type { NormalizeContext, NormalizeResult } from './types.js';

/**
 * Normalizes an events.k8s.io/v1 (or v1beta1, same shape) Event into EventV1: `note` → message,
 * `regarding` → involvedObject, `deprecatedSource/FirstTimestamp/LastTimestamp/Count` are the
 * legacy twins of the core/v1 fields. Never throws.
 */
export function fromEventsV1(obj: unknown, ctx: NormalizeContext): NormalizeResult {
  const begun = beginBuild(obj, ctx);
  if ('ok' in begun) return begun;
  const { reader, meta } = begun;
  const declared = reader.get(['apiVersion']);
  reader.take(['apiVersion']);
  const series = readSeries(reader);
  const eventTime = reader.time(['eventTime']);
  const first = reader.time(['deprecatedFirstTimestamp']);
  const last = reader.time(['deprecatedLastTimestamp']);
  const fields: SourceFields = {
    apiVersion: declared === 'events.k8s.io/v1beta1' ? declared : 'events.k8s.io/v1',
    meta,
    typePath: ['type'],
    reason: reader.text(['reason']),
    message: reader.text(['note'], MAX_MESSAGE_BYTES),
    action: reader.text(['action']),
    counts: [reader.count(['deprecatedCount']), series?.count],
    ...(series ? { series } : {}),
    firstCandidates: [first, eventTime, meta.created],
    lastCandidates: [series?.lastObservedTime, last, eventTime],
    eventTime,
    source: {
      component: reader.text(['deprecatedSource', 'component']),
      host: reader.text(['deprecatedSource', 'host']),
    },
    reportingController: reader.nullableText(['reportingController']),
    reportingInstance: reader.nullableText(['reportingInstance']),
    involvedObject: readRef(reader, ['regarding'], true),
    related: readRef(reader, ['related'], false),
  };
  return assembleEvent(reader, fields, ctx);
}
