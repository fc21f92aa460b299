import { backoffDelay, errorCode } from '@kube-herald/errors';
import type { OwnerRef } from '@kube-herald/events';
import type { Logger } from '@kube-herald/logging';
import { kubeHttpError, type KubeClient } from './kube-client.js';
import { createLru } from './lru.js';
import type { CollectorMetrics } from './metrics.js';
import { isGone, resourceVersionOf } from './watch-lines.js';

/** What enrichment keeps of one object: its controlling owner and the selected labels. */
export interface OwnerEntry {
  readonly owner: OwnerRef | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/** The kinds kept by list+watch and where they are served (the owner chain of Pods). */
export const WATCHED_KINDS: Readonly<Record<string, { readonly root: string; readonly plural: string }>> = {
  Pod: { root: '/api/v1', plural: 'pods' },
  ReplicaSet: { root: '/apis/apps/v1', plural: 'replicasets' },
  Job: { root: '/apis/batch/v1', plural: 'jobs' },
};

const TOMBSTONES = 5_000;
const TOMBSTONE_TTL_MS = 10 * 60_000;

// Metadata only (what a metadata informer asks for): no spec/status, a fraction of a Pod's bytes.
const LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json';
const WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json';

/** Options of {@link createOwnerCaches}. */
export interface OwnerCacheOptions {
  readonly client: KubeClient;
  /** Empty: cluster-wide. */
  readonly namespaces: readonly string[];
  readonly labelKeys: readonly string[];
  /** Objects kept, all kinds together; past it, new objects are looked up by GET instead. */
  readonly maxObjects: number;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  readonly pageSize?: number;
  readonly retryBaseMs?: number;
}

/** Metadata caches (list+watch) of Pods, ReplicaSets and Jobs for enrichment without a GET per event. */
export interface OwnerCaches {
  start(): void;
  /** Whether `kind` is kept and its caches are synced (a miss then means: not (yet) there). */
  covers(kind: string): boolean;
  get(kind: string, namespace: string, name: string): OwnerEntry | undefined;
  /** The entry, waiting up to `ms` for the watch to bring it (an event can overtake its new Pod). */
  waitFor(kind: string, namespace: string, name: string, ms: number): Promise<OwnerEntry | undefined>;
  /** Resolves once every cache synced (or was refused), or after `ms`. */
  synced(ms: number): Promise<void>;
  size(): number;
  close(): Promise<void>;
}

interface Meta {
  name?: unknown;
  namespace?: unknown;
  labels?: Record<string, unknown>;
  ownerReferences?: Array<{ kind?: unknown; name?: unknown; uid?: unknown; controller?: unknown }>;
}

/** The controlling owner (or the first) of an object's metadata. */
export function ownerOf(meta: Meta): OwnerRef | undefined {
  const refs = Array.isArray(meta.ownerReferences) ? meta.ownerReferences : [];
  const ref = refs.find((r) => r.controller === true) ?? refs[0];
  if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  return { kind: ref.kind, name: ref.name, uid: typeof ref.uid === 'string' ? ref.uid : '' };
}

/** The values of `keys` among an object's labels. */
export function pickLabels(meta: Meta, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = meta.labels?.[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

interface KindCache {
  readonly map: Map<string, OwnerEntry>;
  synced: boolean;
  refused: boolean;
}

/** Creates the {@link OwnerCaches}. */
export function createOwnerCaches(o: OwnerCacheOptions): OwnerCaches {
  const log = o.log.child({ component: 'owner-cache' });
  const caches = new Map<string, KindCache>();
  const waiters = new Map<string, Set<(e: OwnerEntry) => void>>();
  const stops = new Set<() => void>(); // what close() must interrupt: open watches, back-off waits
  const loops: Array<Promise<void>> = [];
  let closed = false;
  const keyOf = (kind: string, ns: string, name: string): string => `${kind}/${ns}/${name}`;
  for (const kind of Object.keys(WATCHED_KINDS)) {
    caches.set(kind, { map: new Map(), synced: false, refused: false });
  }
  const full = o.metrics.enrichmentFailures.labels({ reason: 'cache_full' });
  // Deleted objects stay known a while: their last events (Killing, …) often arrive after the deletion.
  const tombstones = createLru<OwnerEntry>(TOMBSTONES, TOMBSTONE_TTL_MS);
  const total = (): number => {
    let n = 0;
    for (const c of caches.values()) n += c.map.size;
    return n;
  };

  const put = (kind: string, c: KindCache, meta: Meta): void => {
    if (typeof meta.name !== 'string' || typeof meta.namespace !== 'string') return;
    const key = keyOf(kind, meta.namespace, meta.name);
    if (!c.map.has(key) && total() >= o.maxObjects) return full.inc();
    const entry: OwnerEntry = { owner: ownerOf(meta), labels: pickLabels(meta, o.labelKeys) };
    c.map.set(key, entry);
    const w = waiters.get(key);
    if (w) {
      waiters.delete(key);
      for (const f of w) f(entry);
    }
  };

  async function listInto(kind: string, c: KindCache, path: string, ns: string | undefined): Promise<string> {
    let cont: string | undefined;
    let rv: string | undefined;
    const fresh: Meta[] = [];
    do {
      const q = new URLSearchParams({ limit: String(o.pageSize ?? 500) });
      if (cont) q.set('continue', cont);
      const res = await o.client.request('GET', `${path}?${q.toString()}`, undefined, {
        accept: LIST_ACCEPT,
      });
      if (res.status !== 200) throw kubeHttpError(res.status, `LIST ${path}`, res.body);
      const page = res.body as { items?: Array<{ metadata?: Meta }>; metadata?: { continue?: unknown } };
      for (const item of page.items ?? []) if (item.metadata) fresh.push(item.metadata);
      rv ??= resourceVersionOf(page);
      cont =
        typeof page.metadata?.continue === 'string' && page.metadata.continue
          ? page.metadata.continue
          : undefined;
    } while (cont && !closed);
    // A relist replaces what the scope knew (objects deleted meanwhile go).
    const prefix = ns === undefined ? `${kind}/` : `${kind}/${ns}/`;
    for (const key of [...c.map.keys()]) if (key.startsWith(prefix)) c.map.delete(key);
    for (const meta of fresh) put(kind, c, meta);
    if (!rv) throw kubeHttpError(500, `LIST ${path}: no resourceVersion`, undefined);
    return rv;
  }

  function watchFrom(
    kind: string,
    c: KindCache,
    path: string,
    rv: string,
  ): Promise<{ rv: string; err?: unknown }> {
    return new Promise((settle) => {
      let last = rv;
      let abort: (() => void) | undefined;
      const resolve = (end: { rv: string; err?: unknown }): void => {
        if (abort) stops.delete(abort);
        settle(end);
      };
      const line = (type: string, obj: unknown): void => {
        const meta = (obj as { metadata?: Meta } | null)?.metadata;
        last = resourceVersionOf(obj) ?? last;
        if (type === 'ERROR') {
          const code = (obj as { code?: unknown } | null)?.code;
          abort?.();
          resolve({
            rv: last,
            err: kubeHttpError(typeof code === 'number' ? code : 500, `WATCH ${path}`, obj),
          });
        } else if (meta && (type === 'ADDED' || type === 'MODIFIED')) put(kind, c, meta);
        else if (
          meta &&
          type === 'DELETED' &&
          typeof meta.namespace === 'string' &&
          typeof meta.name === 'string'
        ) {
          const key = keyOf(kind, meta.namespace, meta.name);
          const gone = c.map.get(key);
          if (gone) tombstones.set(key, gone);
          c.map.delete(key);
        }
      };
      const query = { resourceVersion: rv, allowWatchBookmarks: 'true', timeoutSeconds: '300' };
      o.client
        .watch(path, query, line, (err) => resolve(err ? { rv: last, err } : { rv: last }), {
          accept: WATCH_ACCEPT,
        })
        .then(
          (h) => {
            abort = () => h.abort();
            stops.add(abort);
            if (closed) h.abort();
          },
          (err: unknown) => resolve({ rv: last, err }),
        );
    });
  }

  async function run(kind: string, c: KindCache, path: string, ns: string | undefined): Promise<void> {
    let rv: string | undefined;
    let failures = 0;
    while (!closed) {
      try {
        rv ??= await listInto(kind, c, path, ns);
        if (c.refused)
          log.info({ kind }, 'owner cache allowed again: enrichment of this kind from the watch');
        c.refused = false;
        c.synced = true;
        const end = await watchFrom(kind, c, path, rv);
        rv = end.rv;
        if (end.err && isGone(end.err)) rv = undefined;
        failures = end.err && !isGone(end.err) ? failures + 1 : 0;
      } catch (err) {
        const status = (err as { details?: { status?: unknown } }).details?.status;
        failures += 1;
        if (status === 403 || status === 404) {
          // RBAC without list/watch (this kind is looked up by GET, as before) — or an API server just
          // (re)started whose authorizer has not synced yet: asked again, less and less often.
          if (!c.refused) {
            log.warn({ err, kind }, 'owner cache refused by the API: enrichment of this kind uses GETs');
          }
          c.refused = true;
        } else {
          if (isGone(err)) rv = undefined;
          log.warn({ err, code: errorCode(err), kind, failures }, 'owner cache list/watch failed; retrying');
        }
      }
      if (failures > 0 && !closed) {
        const cap = c.refused ? 300_000 : 30_000;
        const base = o.retryBaseMs ?? 1000;
        const ms = backoffDelay(failures - 1, base, Math.min(cap, base * 2 ** 9), 0);
        await new Promise<void>((r) => {
          const stop = (): void => {
            clearTimeout(t);
            stops.delete(stop);
            r();
          };
          const t = setTimeout(stop, ms);
          stops.add(stop);
        });
      }
    }
  }

  const scopes = o.namespaces.length ? o.namespaces : [undefined];
  const get = (kind: string, ns: string, name: string): OwnerEntry | undefined => {
    const key = keyOf(kind, ns, name);
    return caches.get(kind)?.map.get(key) ?? (tombstones.size > 0 ? tombstones.get(key) : undefined);
  };
  return {
    start() {
      if (loops.length) return;
      for (const [kind, { root, plural }] of Object.entries(WATCHED_KINDS)) {
        const c = caches.get(kind) as KindCache;
        for (const ns of scopes) {
          const path = ns ? `${root}/namespaces/${encodeURIComponent(ns)}/${plural}` : `${root}/${plural}`;
          loops.push(run(kind, c, path, ns));
        }
      }
    },
    covers(kind) {
      const c = caches.get(kind);
      return c !== undefined && c.synced && !c.refused;
    },
    get,
    waitFor(kind, ns, name, ms) {
      const hit = get(kind, ns, name);
      if (hit || ms <= 0) return Promise.resolve(hit);
      const key = keyOf(kind, ns, name);
      return new Promise((resolve) => {
        let set = waiters.get(key);
        if (!set) waiters.set(key, (set = new Set()));
        const done = (e: OwnerEntry | undefined): void => {
          clearTimeout(timer);
          set?.delete(done);
          if (set?.size === 0 && waiters.get(key) === set) waiters.delete(key);
          resolve(e);
        };
        const timer = setTimeout(() => done(undefined), ms);
        set.add(done);
      });
    },
    async synced(ms) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline && [...caches.values()].some((c) => !c.synced && !c.refused)) {
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    size: total,
    async close() {
      closed = true;
      for (const s of [...stops]) s();
      await Promise.all(loops);
    },
  };
}
