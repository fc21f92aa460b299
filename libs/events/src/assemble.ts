import { z } from 'zod';
import { buildExtra } from './extra.js';
import type { FieldReader } from './field-reader.js';
import { incidentKey, occurrenceId } from './identity.js';
import { cleanString, MAX_FIELD_BYTES } from './sanitize.js';
import { EVENT_SCHEMA_V1, eventV1Schema, ownerRefSchema, type EventType, type EventV1 } from './schema.js';
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

// Reasons that mean trouble when an (old) Event carries no `type` at all.
const WARNING_REASON = /fail|error|backoff|unhealthy|evict|oom|notready|exceeded|invalid|unable|reject|kill/i;

/** Validates the collector-supplied context; a bad one is a caller bug, reported, not thrown. */
export function checkContext(ctx: unknown): NormalizeResult | undefined {
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
  if (typeof raw === 'string' && /^(normal|warning)$/i.test(raw)) {
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
  const positive = fields.counts.filter((c): c is number => c !== undefined && c > 0);
  return positive.length > 0 ? Math.max(...positive) : 1;
}

function pickTimes(reader: FieldReader, fields: SourceFields, observedAt: Date) {
  const first = fields.firstCandidates.find((t): t is ParsedTime => t !== undefined);
  let firstSeen = first?.iso;
  if (firstSeen === undefined) {
    firstSeen = observedAt.toISOString();
    reader.warnings.push('time_from_observed_at:firstSeen');
  }
  const last = fields.lastCandidates.find((t): t is ParsedTime => t !== undefined);
  const lastSeen = last?.iso ?? firstSeen;
  if (lastSeen < firstSeen) reader.warnings.push('last_seen_before_first_seen:lastSeen');
  return { firstSeen, lastSeen };
}

function cleanRecord(rec: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(rec).map(([k, v]) => [
      cleanString(k, MAX_FIELD_BYTES).value,
      cleanString(v, MAX_FIELD_BYTES).value,
    ]),
  );
}

function optionalParts(fields: SourceFields, ctx: NormalizeContext, count: number): Partial<EventV1> {
  const { series, eventTime, action, reportingController, reportingInstance, related } = fields;
  const seriesOut = series && {
    count: series.count ?? count,
    ...(series.lastObservedTime ? { lastObservedTime: series.lastObservedTime.precise } : {}),
  };
  return {
    ...(action !== undefined ? { action } : {}),
    ...(eventTime ? { eventTime: eventTime.precise } : {}),
    ...(seriesOut ? { series: seriesOut } : {}),
    ...(reportingController !== undefined ? { reportingController } : {}),
    ...(reportingInstance !== undefined ? { reportingInstance } : {}),
    ...(related ? { related } : {}),
    ...(ctx.owners ? { owners: ctx.owners.map(({ kind, name, uid }) => ({ kind, name, uid })) } : {}),
    ...(ctx.labels ? { labels: cleanRecord(ctx.labels) } : {}),
  };
}

function eventMeta(fields: SourceFields): EventV1['event'] {
  const { meta } = fields;
  return {
    apiVersion: fields.apiVersion,
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    ...(meta.created ? { creationTimestamp: meta.created.iso } : {}),
  };
}

/** Turns API-specific fields plus the context into a validated EventV1 (never throws). */
export function assembleEvent(
  reader: FieldReader,
  fields: SourceFields,
  ctx: NormalizeContext,
): NormalizeResult {
  const type = resolveType(reader, fields);
  const count = pickCount(fields);
  const { firstSeen, lastSeen } = pickTimes(reader, fields, ctx.observedAt);
  const reason = fields.reason ?? '';
  if (reason === '') reader.warnings.push('missing_reason:reason');
  const ref = fields.involvedObject;
  const clusterId = ctx.cluster.id;
  const candidate: EventV1 = {
    schema: EVENT_SCHEMA_V1,
    occurrenceId: occurrenceId({ clusterId, eventUid: fields.meta.uid, count }),
    incidentKey: incidentKey({ clusterId, namespace: ref.namespace, kind: ref.kind, name: ref.name, reason }),
    cluster: { id: clusterId, name: ctx.cluster.name },
    type,
    reason,
    message: fields.message ?? '',
    count,
    firstSeen,
    lastSeen,
    source: { component: fields.source.component ?? '', host: fields.source.host ?? '' },
    involvedObject: ref,
    event: eventMeta(fields),
    observedAt: ctx.observedAt.toISOString(),
    collector: { instance: ctx.collector.instance, version: ctx.collector.version },
    ...optionalParts(fields, ctx, count),
  };
  const extra = buildExtra(reader.root, reader.taken, reader.warnings);
  const parsed = eventV1Schema.safeParse(extra ? { ...candidate, extra } : candidate);
  if (!parsed.success) return failure('schema_mismatch', summarizeIssues(parsed.error.issues));
  return { ok: true, event: parsed.data, warnings: reader.warnings };
}
