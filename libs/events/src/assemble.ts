import { z } from 'zod';
import { buildExtra } from './extra.js';
import { isRecord, type FieldReader } from './field-reader.js';
import { incidentKey, occurrenceId } from './identity.js';
import { cleanString, MAX_FIELD_BYTES } from './sanitize.js';
import { EVENT_SCHEMA_V1, ownerRefSchema, type EventType, type EventV1 } from './schema.js';
import type { SourceFields } from './source-fields.js';
import type { ParsedTime } from './time.js';
import { failure, type NormalizeContext, type NormalizeResult } from './types.js';
import { summarizeIssues } from './zod-issues.js';

const contextSchema = z.object({
  cluster: z.object({ id: z.string().min(1), name: z.string() }),
  collector: z.object({ instance: z.string(), version: z.string() }),
  observedAt: z.date(),
  labels: z.record(z.string(), z.string()).optional(),
  owners: z.array(ownerRefSchema).optional(),
});

const NORMAL_OR_WARNING = /^(normal|warning)$/i;
// Reasons that mean trouble when an (old) Event carries no `type` at all.
const WARNING_REASON = /fail|error|backoff|unhealthy|evict|oom|notready|exceeded|invalid|unable|reject|kill/i;

function isStringRecord(value: unknown): boolean {
  if (!isRecord(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || typeof value[key] !== 'string') return false;
  }
  return true;
}

function isOwner(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value['kind'] === 'string' &&
    typeof value['name'] === 'string' &&
    typeof value['uid'] === 'string'
  );
}

// A hand-written check of the usual context, stricter than contextSchema (anything it doubts goes
// to zod, which decides): the collector builds a context per event, zod per event is costly.
function plainValidContext(ctx: unknown): boolean {
  if (!isRecord(ctx)) return false;
  const { cluster, collector, observedAt, labels, owners } = ctx;
  return (
    isRecord(cluster) &&
    typeof cluster['id'] === 'string' &&
    cluster['id'] !== '' &&
    typeof cluster['name'] === 'string' &&
    isRecord(collector) &&
    typeof collector['instance'] === 'string' &&
    typeof collector['version'] === 'string' &&
    observedAt instanceof Date &&
    !Number.isNaN(observedAt.getTime()) &&
    (labels === undefined || isStringRecord(labels)) &&
    (owners === undefined || (Array.isArray(owners) && owners.every(isOwner)))
  );
}

/** Validates the collector-supplied context; a bad one is a caller bug, reported, not thrown. */
export function checkContext(ctx: unknown): NormalizeResult | undefined {
  if (plainValidContext(ctx)) return undefined;
  const parsed = contextSchema.safeParse(ctx);
  return parsed.success ? undefined : failure('invalid_context', summarizeIssues(parsed.error.issues));
}

/** Decides `type`: Normal/Warning as given; missing → inferred from the reason; unknown → Warning. */
export function resolveType(reader: FieldReader, fields: SourceFields): EventType {
  const path = fields.typePath;
  const raw = reader.get(path);
  if (raw === 'Normal' || raw === 'Warning') {
    reader.take(path);
    return raw;
  }
  if (typeof raw === 'string' && NORMAL_OR_WARNING.test(raw)) {
    reader.take(path);
    reader.warn('type_case_fixed', path);
    return raw.toLowerCase() === 'normal' ? 'Normal' : 'Warning';
  }
  if (raw === undefined || raw === null || raw === '') {
    reader.take(path);
    const inferred = WARNING_REASON.test(fields.reason ?? '') ? 'Warning' : 'Normal';
    reader.warn(`type_missing_assumed_${inferred}`, path);
    return inferred;
  }
  // Unknown value: not taken, so it stays verbatim in `extra`; alert rather than hide it.
  reader.warn('type_unknown_assumed_Warning', path);
  return 'Warning';
}

function pickCount(fields: SourceFields): number {
  let best = 0;
  for (const c of fields.counts) if (c !== undefined && c > best) best = c;
  return best > 0 ? best : 1;
}

function firstDefined(times: readonly (ParsedTime | undefined)[]): ParsedTime | undefined {
  for (const t of times) if (t !== undefined) return t;
  return undefined;
}

function pickTimes(reader: FieldReader, fields: SourceFields, observedAt: string) {
  let firstSeen = firstDefined(fields.firstCandidates)?.iso;
  if (firstSeen === undefined) {
    firstSeen = observedAt;
    reader.warnings.push('time_from_observed_at:firstSeen');
  }
  const lastSeen = firstDefined(fields.lastCandidates)?.iso ?? firstSeen;
  if (lastSeen < firstSeen) reader.warnings.push('last_seen_before_first_seen:lastSeen');
  return { firstSeen, lastSeen };
}

// A "__proto__" key is left out, as the schema parse used to do (never a valid Kubernetes label key).
function cleanRecord(rec: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(rec)
      .filter(([k]) => k !== '__proto__')
      .map(([k, v]) => [cleanString(k, MAX_FIELD_BYTES).value, cleanString(v, MAX_FIELD_BYTES).value]),
  );
}

function eventMeta(fields: SourceFields): EventV1['event'] {
  const { meta } = fields;
  const out: EventV1['event'] = {
    apiVersion: fields.apiVersion,
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
  };
  if (meta.created) out.creationTimestamp = meta.created.iso;
  return out;
}

// The fields after `lastSeen`, assigned in schema order (optional ones only when present), so the
// record's key order is the schema's, as zod's output was.
function appendTail(
  event: EventV1,
  fields: SourceFields,
  ctx: NormalizeContext,
  reader: FieldReader,
  observedAt: string,
): void {
  const { series, eventTime, reportingController, reportingInstance, related } = fields;
  if (eventTime) event.eventTime = eventTime.precise;
  if (series) {
    event.series = { count: series.count ?? event.count };
    if (series.lastObservedTime) event.series.lastObservedTime = series.lastObservedTime.precise;
  }
  event.source = { component: fields.source.component ?? '', host: fields.source.host ?? '' };
  if (reportingController !== undefined) event.reportingController = reportingController;
  if (reportingInstance !== undefined) event.reportingInstance = reportingInstance;
  event.involvedObject = fields.involvedObject;
  if (related) event.related = related;
  if (ctx.owners) event.owners = ctx.owners.map(({ kind, name, uid }) => ({ kind, name, uid }));
  if (ctx.labels) event.labels = cleanRecord(ctx.labels);
  event.event = eventMeta(fields);
  const extra = buildExtra(reader.root, reader.taken, reader.warnings);
  if (extra) event.extra = extra;
  event.observedAt = observedAt;
  event.collector = { instance: ctx.collector.instance, version: ctx.collector.version };
}

/**
 * Turns API-specific fields plus the context into an EventV1 (never throws). Valid by
 * construction, so it is not re-parsed here: every field comes from a typed reader or the checked
 * context, and the tests validate every output against eventV1Schema (consumers validate at decode).
 */
export function assembleEvent(
  reader: FieldReader,
  fields: SourceFields,
  ctx: NormalizeContext,
): NormalizeResult {
  const type = resolveType(reader, fields);
  const count = pickCount(fields);
  const observedAt = ctx.observedAt.toISOString();
  const { firstSeen, lastSeen } = pickTimes(reader, fields, observedAt);
  const reason = fields.reason ?? '';
  if (reason === '') reader.warnings.push('missing_reason:reason');
  const ref = fields.involvedObject;
  const clusterId = ctx.cluster.id;
  const head = {
    schema: EVENT_SCHEMA_V1,
    occurrenceId: occurrenceId({ clusterId, eventUid: fields.meta.uid, count }),
    incidentKey: incidentKey({ clusterId, namespace: ref.namespace, kind: ref.kind, name: ref.name, reason }),
    cluster: { id: clusterId, name: ctx.cluster.name },
    type,
    reason,
    message: fields.message ?? '',
  };
  // Completed in place by the assignments below (in schema order).
  const event = head as EventV1;
  if (fields.action !== undefined) event.action = fields.action;
  event.count = count;
  event.firstSeen = firstSeen;
  event.lastSeen = lastSeen;
  appendTail(event, fields, ctx, reader, observedAt);
  return { ok: true, event, warnings: reader.warnings };
}
