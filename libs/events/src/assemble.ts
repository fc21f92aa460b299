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
  const cluster = { id: ctx.cluster.id, name: ctx.cluster.name };
  const series = fields.series;
  const candidate: EventV1 = {
    schema: EVENT_SCHEMA_V1,
    occurrenceId: occurrenceId({ clusterId: cluster.id, eventUid: fields.meta.uid, count }),
    incidentKey: incidentKey({
      clusterId: cluster.id,
      namespace: ref.namespace,
      kind: ref.kind,
      name: ref.name,
      reason,
    }),
    cluster,
    type,
    reason,
    message: fields.message ?? '',
    ...(fields.action !== undefined ? { action: fields.action } : {}),
    count,
    firstSeen,
    lastSeen,
    ...(fields.eventTime ? { eventTime: fields.eventTime.precise } : {}),
    ...(series
      ? {
          series: {
            count: series.count ?? count,
            ...(series.lastObservedTime ? { lastObservedTime: series.lastObservedTime.precise } : {}),
          },
        }
      : {}),
    source: { component: fields.source.component ?? '', host: fields.source.host ?? '' },
    ...(fields.reportingController !== undefined ? { reportingController: fields.reportingController } : {}),
    ...(fields.reportingInstance !== undefined ? { reportingInstance: fields.reportingInstance } : {}),
    involvedObject: ref,
    ...(fields.related ? { related: fields.related } : {}),
    ...(ctx.owners ? { owners: ctx.owners.map((o) => ({ kind: o.kind, name: o.name, uid: o.uid })) } : {}),
    ...(ctx.labels ? { labels: cleanRecord(ctx.labels) } : {}),
    event: {
      apiVersion: fields.apiVersion,
      namespace: fields.meta.namespace,
      name: fields.meta.name,
      uid: fields.meta.uid,
      resourceVersion: fields.meta.resourceVersion,
    },
    observedAt: ctx.observedAt.toISOString(),
    collector: { instance: ctx.collector.instance, version: ctx.collector.version },
  };
  const extra = buildExtra(reader.root, reader.taken, reader.warnings);
  const parsed = eventV1Schema.safeParse(extra ? { ...candidate, extra } : candidate);
  if (!parsed.success) return failure('schema_mismatch', summarizeIssues(parsed.error.issues));
  return { ok: true, event: parsed.data, warnings: reader.warnings };
}
