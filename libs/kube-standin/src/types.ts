/** A JSON object as it travels over the wire. */
export type JsonObject = { [key: string]: unknown };

/** An owner reference, as in `metadata.ownerReferences`. */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/** The subset of `ObjectMeta` the stand-in reads and fills; other keys pass through untouched. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

/** Any Kubernetes object: apiVersion, kind, metadata and free-form rest. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** The storage kinds the stand-in keeps. core/v1 and events.k8s.io/v1 Events share `events`. */
export type StorageKind =
  | 'events'
  | 'pods'
  | 'replicasets'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'jobs'
  | 'cronjobs'
  | 'nodes'
  | 'leases';

/** The type of a watch event carrying an object. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One entry of the change history (what etcd would keep until compaction). */
export interface Change {
  readonly rv: number;
  readonly type: ChangeType;
  readonly storage: StorageKind;
  readonly key: string;
  /** The object after the change (for DELETED: the last state, carrying the deletion's RV). */
  readonly object: KubeObject;
  /** The object before the change, `undefined` for ADDED. */
  readonly previous: KubeObject | undefined;
}

/** Deep-copies a JSON value (objects handed out must not alias the store). */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** True for a non-null, non-array object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
