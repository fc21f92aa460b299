import { tooOld } from './status.js';
import type { Change, ChangeType, KubeObject, StorageKind } from './types.js';

/** Options of {@link createStore}. */
export interface StoreOptions {
  /** Changes kept for watches and snapshots; older ones are compacted away (410 Expired). */
  readonly watchCacheSize: number;
  /** The resourceVersion the empty store starts at (opaque to clients; not 0 so "0" stays special). */
  readonly initialResourceVersion?: number;
}

/** The stand-in's etcd: objects per storage kind, one global revision, an ordered change history. */
export interface Store {
  /** The newest revision. */
  currentRv(): number;
  /** The oldest revision a watch or snapshot may start from; anything older is compacted. */
  oldestRv(): number;
  get(storage: StorageKind, key: string): KubeObject | undefined;
  /** Current objects of one storage kind, sorted by key (`namespace/name`). */
  list(storage: StorageKind): Array<[string, KubeObject]>;
  /** The objects of one storage kind as they were at revision `rv`, sorted by key; 410 when compacted. */
  snapshot(storage: StorageKind, rv: number): Array<[string, KubeObject]>;
  /** Every change after `rv`, oldest first; 410 when `rv` is older than {@link oldestRv}. */
  changesAfter(rv: number): Change[];
  /** Writes an object (ADDED when new, MODIFIED otherwise) and returns the stored object. */
  put(storage: StorageKind, key: string, object: KubeObject): KubeObject;
  /** Deletes an object; returns its last state (with the deletion's RV) or `undefined`. */
  remove(storage: StorageKind, key: string): KubeObject | undefined;
  /** Calls `listener` synchronously after every change; returns the unsubscribe function. */
  subscribe(listener: (change: Change) => void): () => void;
  /** Drops all but the last `keepLast` changes (default 0: everything up to now). Returns {@link oldestRv}. */
  compact(keepLast?: number): number;
}

/** Builds the object key used for ordering: `namespace/name` (`/name` for cluster-scoped objects). */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Creates an empty {@link Store}. */
export function createStore(options: StoreOptions): Store {
  let rv = options.initialResourceVersion ?? 1000;
  let compactedRv = rv;
  const objects = new Map<StorageKind, Map<string, KubeObject>>();
  let history: Change[] = [];
  const listeners = new Set<(change: Change) => void>();

  const bucket = (storage: StorageKind): Map<string, KubeObject> => {
    let m = objects.get(storage);
    if (!m) {
      m = new Map();
      objects.set(storage, m);
    }
    return m;
  };

  const sorted = (m: Map<string, KubeObject>): Array<[string, KubeObject]> =>
    [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  const record = (change: Change): void => {
    history.push(change);
    if (history.length > options.watchCacheSize) {
      const dropped = history.splice(0, history.length - options.watchCacheSize);
      compactedRv = dropped[dropped.length - 1]?.rv ?? compactedRv;
    }
    for (const l of [...listeners]) l(change);
  };

  const write = (storage: StorageKind, key: string, type: ChangeType, object: KubeObject): KubeObject => {
    rv += 1;
    const previous = bucket(storage).get(key);
    const stored: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
    if (type === 'DELETED') bucket(storage).delete(key);
    else bucket(storage).set(key, stored);
    record({ rv, type, storage, key, object: stored, previous });
    return stored;
  };

  return {
    currentRv: () => rv,
    oldestRv: () => compactedRv,
    get: (storage, key) => objects.get(storage)?.get(key),
    list: (storage) => sorted(bucket(storage)),
    snapshot(storage, at) {
      if (at < compactedRv) throw tooOld(at, compactedRv + 1);
      const m = new Map(bucket(storage));
      for (let i = history.length - 1; i >= 0; i--) {
        const c = history[i];
        if (!c || c.rv <= at) break;
        if (c.storage !== storage) continue;
        if (c.previous) m.set(c.key, c.previous);
        else m.delete(c.key);
      }
      return sorted(m);
    },
    changesAfter(after) {
      if (after < compactedRv) throw tooOld(after, compactedRv + 1);
      let lo = 0;
      let hi = history.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((history[mid]?.rv ?? 0) <= after) lo = mid + 1;
        else hi = mid;
      }
      return history.slice(lo);
    },
    put: (storage, key, object) =>
      write(storage, key, bucket(storage).has(key) ? 'MODIFIED' : 'ADDED', object),
    remove(storage, key) {
      const existing = bucket(storage).get(key);
      return existing ? write(storage, key, 'DELETED', existing) : undefined;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    compact(keepLast = 0) {
      const keep = Math.max(0, Math.floor(keepLast));
      if (history.length > keep) {
        const dropped = history.slice(0, history.length - keep);
        history = history.slice(history.length - keep);
        compactedRv = dropped[dropped.length - 1]?.rv ?? compactedRv;
      }
      return compactedRv;
    },
  };
}
