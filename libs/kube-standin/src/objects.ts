import { randomUUID } from 'node:crypto';
import { apiVersionOf, viewOfStorage, type ResourceView } from './resources.js';
import { alreadyExists, badRequest, conflict, invalid, notFound } from './status.js';
import { objectKey, type Store } from './store.js';
import { formatTime, normalizeMicroTime } from './time.js';
import { cloneJson, isJsonObject, type KubeObject, type StorageKind } from './types.js';

/** Generic object writes with API server semantics (uid, timestamps, optimistic concurrency). */
export interface ObjectWriter {
  /** POST: 409 AlreadyExists when the name is taken. */
  create(view: ResourceView, namespace: string | undefined, body: KubeObject): KubeObject;
  /** PUT: 404 when absent, 422 without metadata.resourceVersion, 409 Conflict when it is stale. */
  replace(view: ResourceView, namespace: string | undefined, name: string, body: KubeObject): KubeObject;
  /** DELETE: 404 when absent; returns the last state. */
  remove(view: ResourceView, namespace: string | undefined, name: string): KubeObject;
  /** Test control: create or overwrite without any check; fills uid, timestamps, namespace. */
  put(storage: StorageKind, object: KubeObject): KubeObject;
  get(storage: StorageKind, namespace: string | undefined, name: string): KubeObject | undefined;
}

function normalize(view: ResourceView, stored: KubeObject): KubeObject {
  if (view.storage !== 'leases' || !isJsonObject(stored.spec)) return stored;
  const spec = { ...stored.spec };
  for (const f of ['acquireTime', 'renewTime'])
    if (spec[f] !== undefined) spec[f] = normalizeMicroTime(spec[f]);
  return { ...stored, spec };
}

function checkBody(view: ResourceView, body: unknown): KubeObject {
  if (!isJsonObject(body) || !isJsonObject(body.metadata)) {
    throw badRequest(`the body of the request was not a valid ${view.kind} object`);
  }
  return body as KubeObject;
}

/** Creates the {@link ObjectWriter} over a store. */
export function createObjectWriter(store: Store, now: () => Date): ObjectWriter {
  const fill = (view: ResourceView, namespace: string | undefined, o: KubeObject): KubeObject => {
    const metadata = { ...o.metadata };
    delete metadata.resourceVersion;
    metadata.uid = metadata.uid ?? randomUUID();
    metadata.creationTimestamp = metadata.creationTimestamp ?? formatTime(now());
    if (view.namespaced) metadata.namespace = namespace ?? metadata.namespace ?? 'default';
    else delete metadata.namespace;
    const canon = viewOfStorage(view.storage);
    return normalize(view, { ...o, apiVersion: apiVersionOf(canon), kind: canon.kind, metadata });
  };
  const keyOf = (view: ResourceView, namespace: string | undefined, name: string): string =>
    objectKey(view.namespaced ? (namespace ?? 'default') : undefined, name);

  return {
    create(view, namespace, raw) {
      const body = view.fromView(checkBody(view, raw));
      const name = body.metadata.name;
      if (!name)
        throw invalid(view.plural, view.group, '', 'metadata.name: Required value: name is required');
      const bodyNs = body.metadata.namespace;
      if (view.namespaced && bodyNs && namespace && bodyNs !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      const key = keyOf(view, namespace ?? bodyNs, name);
      if (store.get(view.storage, key)) throw alreadyExists(view.plural, view.group, name);
      const fresh = {
        ...body,
        metadata: { ...body.metadata, uid: randomUUID(), creationTimestamp: undefined },
      };
      return store.put(view.storage, key, fill(view, namespace ?? bodyNs, fresh));
    },
    replace(view, namespace, name, raw) {
      const body = view.fromView(checkBody(view, raw));
      if (body.metadata.name !== undefined && body.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
        );
      }
      const key = keyOf(view, namespace, name);
      const existing = store.get(view.storage, key);
      if (!existing) throw notFound(view.plural, view.group, name);
      const rv = body.metadata.resourceVersion;
      if (!rv) {
        throw invalid(
          view.plural,
          view.group,
          name,
          'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
        );
      }
      if (rv !== existing.metadata.resourceVersion) throw conflict(view.plural, view.group, name);
      const metadata = {
        ...body.metadata,
        name,
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
      };
      return store.put(view.storage, key, fill(view, namespace, { ...body, metadata }));
    },
    remove(view, namespace, name) {
      const removed = store.remove(view.storage, keyOf(view, namespace, name));
      if (!removed) throw notFound(view.plural, view.group, name);
      return removed;
    },
    put(storage, object) {
      const view = viewOfStorage(storage);
      const name = object.metadata.name;
      if (!name) throw badRequest('metadata.name is required');
      const o = cloneJson(object);
      const ns = view.namespaced ? (o.metadata.namespace ?? 'default') : undefined;
      return cloneJson(store.put(storage, keyOf(view, ns, name), fill(view, ns, o)));
    },
    get(storage, namespace, name) {
      return store.get(storage, keyOf(viewOfStorage(storage), namespace, name));
    },
  };
}
