import { hash } from 'node:crypto';
import { isRecord, type FieldPath, type FieldReader } from './field-reader.js';
import type { ObjectRef } from './schema.js';
import type { ParsedTime } from './time.js';
import { failure, type NormalizeFailure } from './types.js';

/** Identity of the Event object itself (`metadata`). */
export interface EventMeta {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  /** `metadata.creationTimestamp`: published as `event.creationTimestamp`, and a time fallback. */
  readonly created?: ParsedTime;
}

/** Repetition data (`series`) as read from the source. */
export interface SeriesFields {
  readonly count?: number;
  readonly lastObservedTime?: ParsedTime;
}

/** The API-specific part of a build: what each builder reads, in the shape the assembler needs. */
export interface SourceFields {
  readonly apiVersion: string;
  readonly meta: EventMeta;
  readonly typePath: FieldPath;
  readonly reason?: string;
  readonly message?: string;
  readonly action?: string;
  /** Candidate repetition counts; the largest positive one wins. */
  readonly counts: readonly (number | undefined)[];
  readonly series?: SeriesFields;
  /** Candidates for firstSeen / lastSeen, in order of preference. */
  readonly firstCandidates: readonly (ParsedTime | undefined)[];
  readonly lastCandidates: readonly (ParsedTime | undefined)[];
  readonly eventTime?: ParsedTime;
  readonly source: { readonly component?: string; readonly host?: string };
  readonly reportingController?: string;
  readonly reportingInstance?: string;
  readonly involvedObject: ObjectRef;
  readonly related?: ObjectRef;
}

/** Reads `metadata`; an Event without `metadata.uid` has no identity and is refused. */
export function readMeta(reader: FieldReader): EventMeta | NormalizeFailure {
  const uid = reader.text(['metadata', 'uid']);
  if (uid === undefined) return failure('missing_uid', 'metadata.uid is missing or empty');
  const created = reader.time(['metadata', 'creationTimestamp']);
  return {
    uid,
    namespace: reader.text(['metadata', 'namespace']) ?? '',
    name: reader.text(['metadata', 'name']) ?? '',
    resourceVersion: reader.text(['metadata', 'resourceVersion']) ?? '',
    ...(created ? { created } : {}),
  };
}

/**
 * A stable stand-in uid for an object reference that has none: sha256 of (kind, namespace, name),
 * prefixed `synthetic-` so nobody mistakes it for an API server uid.
 */
export function syntheticUid(kind: string, namespace: string, name: string): string {
  return `synthetic-${hash('sha256', JSON.stringify([kind, namespace, name]), 'hex').slice(0, 32)}`;
}

/**
 * Reads an object reference (involvedObject / regarding / related). Missing parts become ''
 * (a cluster-scoped object has namespace ''); a missing uid gets a synthetic one and a warning.
 * Returns undefined when the reference is absent and not `required`.
 */
export function readRef(reader: FieldReader, path: FieldPath, required: true): ObjectRef;
export function readRef(reader: FieldReader, path: FieldPath, required: false): ObjectRef | undefined;
export function readRef(reader: FieldReader, path: FieldPath, required: boolean): ObjectRef | undefined {
  const raw = reader.get(path);
  if (raw === undefined || raw === null) {
    reader.take(path);
    if (!required) return undefined;
    reader.warn('missing_object_ref', path);
  } else if (!isRecord(raw)) {
    reader.warn('wrong_type', path);
    if (!required) return undefined;
  }
  const kind = reader.text([...path, 'kind']) ?? '';
  const namespace = reader.text([...path, 'namespace']) ?? '';
  const name = reader.text([...path, 'name']) ?? '';
  let uid = reader.text([...path, 'uid']);
  if (uid === undefined) {
    uid = syntheticUid(kind, namespace, name);
    reader.warn('synthetic_uid', path);
  }
  const resourceVersion = reader.text([...path, 'resourceVersion']);
  const fieldPath = reader.text([...path, 'fieldPath']);
  return {
    kind,
    namespace,
    name,
    uid,
    apiVersion: reader.text([...path, 'apiVersion']) ?? '',
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    ...(fieldPath !== undefined ? { fieldPath } : {}),
  };
}

/** Reads `series` ({count, lastObservedTime}); absent or empty → undefined. */
export function readSeries(reader: FieldReader): SeriesFields | undefined {
  const raw = reader.get(['series']);
  if (raw === undefined || raw === null) {
    reader.take(['series']);
    return undefined;
  }
  if (!isRecord(raw)) {
    reader.warn('wrong_type', ['series']);
    return undefined;
  }
  const count = reader.count(['series', 'count']);
  const lastObservedTime = reader.time(['series', 'lastObservedTime']);
  if (count === undefined && lastObservedTime === undefined) return undefined;
  return { ...(count !== undefined ? { count } : {}), ...(lastObservedTime ? { lastObservedTime } : {}) };
}
