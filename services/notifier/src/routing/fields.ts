import type { EventV1 } from '@kube-herald/events';

/**
 * Event fields that routes, drop rules and silences can match on. `labels.<key>` (a label of the
 * involved object, as selected by the collector) is accepted as well.
 */
export const EVENT_FIELDS = [
  'cluster',
  'clusterName',
  'namespace',
  'kind',
  'name',
  'reason',
  'type',
  'message',
  'component',
  'reportingController',
  'owner',
  'ownerKind',
  'ownerName',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

const FIELD_SET: ReadonlySet<string> = new Set(EVENT_FIELDS);
const LABEL_PREFIX = 'labels.';

/** True for a field name a matcher may use (`reason`, `labels.app`, …). */
export function isEventField(field: string): boolean {
  return FIELD_SET.has(field) || (field.startsWith(LABEL_PREFIX) && field.length > LABEL_PREFIX.length);
}

/**
 * The owner shown and matched for an event: the outermost link of the owner chain (owners are nearest
 * first, so a Pod's `[ReplicaSet, Deployment]` gives the Deployment) — the object people know.
 */
export function topOwner(event: EventV1): { readonly kind: string; readonly name: string } | undefined {
  const owners = event.owners;
  return owners && owners.length > 0 ? owners[owners.length - 1] : undefined;
}

/**
 * The value of a field for an event; a missing value is the empty string (as in Alertmanager, where
 * an absent label matches `""`).
 */
export function eventField(event: EventV1, field: string): string {
  switch (field) {
    case 'cluster':
      return event.cluster.id;
    case 'clusterName':
      return event.cluster.name;
    case 'namespace':
      return event.involvedObject.namespace;
    case 'kind':
      return event.involvedObject.kind;
    case 'name':
      return event.involvedObject.name;
    case 'reason':
      return event.reason;
    case 'type':
      return event.type;
    case 'message':
      return event.message;
    case 'component':
      return event.source.component;
    case 'reportingController':
      return event.reportingController ?? '';
    default:
      return ownerOrLabel(event, field);
  }
}

function ownerOrLabel(event: EventV1, field: string): string {
  if (field.startsWith(LABEL_PREFIX)) return event.labels?.[field.slice(LABEL_PREFIX.length)] ?? '';
  const owner = topOwner(event);
  if (!owner) return '';
  if (field === 'owner') return `${owner.kind}/${owner.name}`;
  if (field === 'ownerKind') return owner.kind;
  if (field === 'ownerName') return owner.name;
  return '';
}
