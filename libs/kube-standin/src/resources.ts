import { fromEventsV1, toCoreV1, toEventsV1 } from './event-views.js';
import { badRequest } from './status.js';
import type { KubeObject, StorageKind } from './types.js';

/** One API resource as served at a path: group/version/plural over a storage kind. */
export interface ResourceView {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly storage: StorageKind;
  /** The stored object as this API version shows it. */
  readonly toView: (stored: KubeObject) => KubeObject;
  /** An object posted to this API version, in the stored shape. */
  readonly fromView: (posted: KubeObject) => KubeObject;
  /** Field selector labels this resource supports, mapped to paths in the stored object. */
  readonly fields: Readonly<Record<string, string>>;
}

/** `group/version`, or `version` for the core group. */
export function apiVersionOf(view: Pick<ResourceView, 'group' | 'version'>): string {
  return view.group ? `${view.group}/${view.version}` : view.version;
}

const META_FIELDS = { 'metadata.name': 'metadata.name', 'metadata.namespace': 'metadata.namespace' };

const INVOLVED = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];
const CORE_EVENT_FIELDS: Record<string, string> = {
  ...META_FIELDS,
  ...Object.fromEntries(INVOLVED.map((f) => [`involvedObject.${f}`, `involvedObject.${f}`])),
  reason: 'reason',
  reportingComponent: 'reportingComponent',
  source: 'source.component',
  type: 'type',
};
const V1_EVENT_FIELDS: Record<string, string> = {
  ...CORE_EVENT_FIELDS,
  ...Object.fromEntries(INVOLVED.map((f) => [`regarding.${f}`, `involvedObject.${f}`])),
  reportingController: 'reportingComponent',
  'deprecatedSource.component': 'source.component',
};

function plain(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  storage: StorageKind,
  extraFields: Record<string, string> = {},
): ResourceView {
  const apiVersion = group ? `${group}/${version}` : version;
  const toView = (o: KubeObject): KubeObject => ({ ...o, apiVersion, kind });
  return {
    group,
    version,
    plural,
    kind,
    namespaced,
    storage,
    toView,
    fromView: toView,
    fields: { ...META_FIELDS, ...extraFields },
  };
}

/** Every resource the stand-in serves. */
export const RESOURCES: readonly ResourceView[] = [
  {
    group: '',
    version: 'v1',
    plural: 'events',
    kind: 'Event',
    namespaced: true,
    storage: 'events',
    toView: toCoreV1,
    fromView: (o) => ({ ...o, apiVersion: 'v1', kind: 'Event' }),
    fields: CORE_EVENT_FIELDS,
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    kind: 'Event',
    namespaced: true,
    storage: 'events',
    toView: toEventsV1,
    fromView: fromEventsV1,
    fields: V1_EVENT_FIELDS,
  },
  plain('', 'v1', 'pods', 'Pod', true, 'pods', {
    'spec.nodeName': 'spec.nodeName',
    'status.phase': 'status.phase',
  }),
  plain('', 'v1', 'nodes', 'Node', false, 'nodes', { 'spec.unschedulable': 'spec.unschedulable' }),
  plain('apps', 'v1', 'replicasets', 'ReplicaSet', true, 'replicasets'),
  plain('apps', 'v1', 'deployments', 'Deployment', true, 'deployments'),
  plain('apps', 'v1', 'statefulsets', 'StatefulSet', true, 'statefulsets'),
  plain('apps', 'v1', 'daemonsets', 'DaemonSet', true, 'daemonsets'),
  plain('batch', 'v1', 'jobs', 'Job', true, 'jobs'),
  plain('batch', 'v1', 'cronjobs', 'CronJob', true, 'cronjobs'),
  plain('coordination.k8s.io', 'v1', 'leases', 'Lease', true, 'leases'),
];

/** Finds the resource served at `group/version/plural`. */
export function findResource(group: string, version: string, plural: string): ResourceView | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The canonical (first) view of a storage kind: core/v1 for events. */
export function viewOfStorage(storage: StorageKind): ResourceView {
  const view = RESOURCES.find((r) => r.storage === storage);
  if (!view) throw new Error(`no resource view for storage ${storage}`);
  return view;
}

/** Reads a dotted path from an object; absent values read as "" like the API server's field sets. */
export function readPath(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

/** Resolves a field selector label for a resource; 400 BadRequest when it is not supported. */
export function fieldPath(view: ResourceView, label: string): string {
  const path = view.fields[label];
  if (path === undefined) {
    throw badRequest(`field label not supported: ${label}`);
  }
  return path;
}
