import type { EventV1 } from '@kube-herald/events';
import type { Digest, IncidentDescription, IncidentSummary } from '../model.js';
import { topOwner } from '../routing/index.js';
import type { TakenGroup, TakenIncident } from '../store/group-store.js';

/** Descriptive fields of an incident kept in its group (the latest event's), with its labels for mentions. */
interface StoredSummary extends IncidentDescription {
  readonly labels?: Readonly<Record<string, string>>;
}

/** JSON of the descriptive fields of an event's incident (stored in the group, used to build digests). */
export function summaryJson(event: EventV1): string {
  const owner = topOwner(event);
  const s: StoredSummary = {
    type: event.type,
    reason: event.reason,
    message: event.message,
    cluster: event.cluster,
    namespace: event.involvedObject.namespace,
    object: { kind: event.involvedObject.kind, name: event.involvedObject.name },
    ...(owner ? { owner: { kind: owner.kind, name: owner.name } } : {}),
    ...(event.labels ? { labels: event.labels } : {}),
  };
  return JSON.stringify(s);
}

/** Options of {@link buildDigest}. */
export interface DigestOptions {
  /** Involved-object label listing mobiles/user ids to mention (receiver's `mentions.fromLabel`). */
  readonly mentionLabel?: string;
  readonly nextAt?: number;
}

function toIncident(t: TakenIncident, mentionLabel: string | undefined): IncidentSummary {
  const s = JSON.parse(t.summary) as StoredSummary;
  const raw = mentionLabel === undefined ? undefined : s.labels?.[mentionLabel];
  const mentions = raw
    ?.split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  return {
    incidentKey: t.incidentKey,
    status:
      t.quiet === 'resolved' ? 'resolved' : t.quiet === 'ongoing' ? 'ongoing' : t.isNew ? 'new' : 'grown',
    type: s.type,
    reason: s.reason,
    message: s.message,
    cluster: s.cluster,
    namespace: s.namespace,
    object: s.object,
    ...(s.owner ? { owner: s.owner } : {}),
    newOccurrences: t.occurrences,
    count: Math.max(t.count, t.occurrences),
    firstSeen: new Date(t.firstSeenMs).toISOString(),
    lastSeen: new Date(t.lastSeenMs).toISOString(),
    ...(mentions && mentions.length > 0 ? { mentions } : {}),
  };
}

/** Common labels of merged groups (those with the same value in every group). */
function commonLabels(groups: readonly TakenGroup[]): Record<string, string> {
  const [first, ...rest] = groups;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first?.labels ?? {})) {
    if (rest.every((g) => g.labels[k] === v)) out[k] = v;
  }
  return out;
}

/** Builds the digest of what one delivery took (one group, or several merged under rate pressure). */
export function buildDigest(
  receiver: string,
  groups: readonly TakenGroup[],
  opts: DigestOptions = {},
): Digest {
  const incidents = groups
    .flatMap((g) => g.incidents)
    .map((t) => toIncident(t, opts.mentionLabel))
    .sort(
      (a, b) =>
        Number(b.status === 'new') - Number(a.status === 'new') || b.newOccurrences - a.newOccurrences,
    );
  const objects = new Set(
    incidents.map((i) => `${i.cluster.id}/${i.namespace}/${i.object.kind}/${i.object.name}`),
  );
  const times = groups.flatMap((g) => g.incidents.flatMap((i) => [i.firstSeenMs, i.lastSeenMs]));
  const merged = groups.length > 1;
  return {
    receiver,
    groupKey: groups.length === 1 ? (groups[0]?.groupKey ?? receiver) : receiver,
    groupLabels: merged ? commonLabels(groups) : (groups[0]?.labels ?? {}),
    incidents,
    totals: {
      occurrences: incidents.reduce((n, i) => n + i.newOccurrences, 0),
      incidents: incidents.length,
      newIncidents: incidents.filter((i) => i.status === 'new').length,
      objects: objects.size,
    },
    windowStart: new Date(Math.min(...times)).toISOString(),
    windowEnd: new Date(Math.max(...times)).toISOString(),
    ...(merged
      ? {
          merged: {
            groups: groups.length,
            ...(opts.nextAt === undefined ? {} : { nextAt: new Date(opts.nextAt).toISOString() }),
          },
        }
      : {}),
  };
}
