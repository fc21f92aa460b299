import { hash } from 'node:crypto';
import type { EventV1 } from './schema.js';

/** What makes one observed repetition of an Event unique. */
export interface OccurrenceParts {
  readonly clusterId: string;
  /** `metadata.uid` of the Kubernetes Event object. */
  readonly eventUid: string;
  /** `count` (core/v1) or `series.count` (events.k8s.io/v1): which repetition this is. */
  readonly count: number;
}

/** What makes one incident: repeats of one problem (reason) on one object. */
export interface IncidentParts {
  readonly clusterId: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly reason: string;
}

/** Length, in hex characters, of an occurrenceId (128 bits of sha256). */
export const OCCURRENCE_ID_LENGTH = 32;

/**
 * Id of one occurrence: sha256 over (clusterId, eventUid, count), hex, first 32 characters.
 * Independent of collector replica, wall clock and field order, so a relist, a replica overlap,
 * a replay or a redelivery of the same repetition yields the same id; `count + 1` yields a new one.
 */
export function occurrenceId(parts: OccurrenceParts): string {
  // A JSON array is an unambiguous encoding: no separator inside a part can shift the boundaries.
  const material = JSON.stringify([
    'kube-herald.occurrence/v1',
    parts.clusterId,
    parts.eventUid,
    parts.count,
  ]);
  return hash('sha256', material, 'hex').slice(0, OCCURRENCE_ID_LENGTH);
}

/**
 * Escapes one key segment so '/' can only ever be a separator: '%' → '%25', '/' → '%2F'.
 * Injective, and the identity on the usual Kubernetes names.
 */
export function escapeKeyPart(part: string): string {
  if (!part.includes('%') && !part.includes('/')) return part;
  return part.replaceAll('%', '%25').replaceAll('/', '%2F');
}

/** Inverse of {@link escapeKeyPart}. */
export function unescapeKeyPart(part: string): string {
  return part.replace(/%(25|2F)/g, (_m, code: string) => (code === '25' ? '%' : '/'));
}

/** `cluster/namespace/kind/name/reason`, each part escaped with {@link escapeKeyPart}. */
export function incidentKey(parts: IncidentParts): string {
  const { clusterId, namespace, kind, name, reason } = parts;
  return `${escapeKeyPart(clusterId)}/${escapeKeyPart(namespace)}/${escapeKeyPart(kind)}/${escapeKeyPart(name)}/${escapeKeyPart(reason)}`;
}

/** Splits an incident key back into its parts (undefined when it is not one). */
export function parseIncidentKey(key: string): IncidentParts | undefined {
  const segments = key.split('/');
  if (segments.length !== 5) return undefined;
  const [clusterId, namespace, kind, name, reason] = segments.map(unescapeKeyPart) as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { clusterId, namespace, kind, name, reason };
}

/** The occurrence parts of a normalized event. */
export function occurrenceOf(event: EventV1): OccurrenceParts {
  return { clusterId: event.cluster.id, eventUid: event.event.uid, count: event.count };
}

/** The incident parts of a normalized event (namespace of the involved object; '' if cluster-scoped). */
export function incidentOf(event: EventV1): IncidentParts {
  const ref = event.involvedObject;
  return {
    clusterId: event.cluster.id,
    namespace: ref.namespace,
    kind: ref.kind,
    name: ref.name,
    reason: event.reason,
  };
}

/**
 * Kafka record key: `cluster.id/namespace/involvedObject.uid` (parts escaped). All events of one
 * object land on one partition, in order, and equal names in two clusters never share a key.
 */
export function partitionKey(event: EventV1): string {
  const ref = event.involvedObject;
  return [event.cluster.id, ref.namespace, ref.uid].map(escapeKeyPart).join('/');
}
