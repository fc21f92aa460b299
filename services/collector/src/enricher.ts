import { KhError, errorCode } from '@kube-herald/errors';
import type { ObjectRef, OwnerRef } from '@kube-herald/events';
import type { Logger } from '@kube-herald/logging';
import { kubeHttpError, type KubeClient } from './kube-client.js';
import { createLru, createTokenBucket } from './lru.js';
import type { CollectorMetrics } from './metrics.js';
import { ownerOf, pickLabels, type OwnerCaches, type OwnerEntry } from './owner-cache.js';

/** What enrichment adds to an event: the owner chain (nearest first) and selected labels. */
export interface Enrichment {
  readonly owners: readonly OwnerRef[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Owner chain and labels of involved objects, from a cache or (rate-limited, time-boxed) GETs. */
export interface Enricher {
  /** The cached answer, or undefined when a lookup is needed. Never calls the API. */
  cached(ref: ObjectRef): Enrichment | undefined;
  /** Resolves within `budgetMs`: the answer, or undefined while the lookup goes on to fill the cache. */
  resolve(ref: ObjectRef, budgetMs: number): Promise<Enrichment | undefined>;
}

/** Options of {@link createEnricher}. */
export interface EnricherOptions {
  readonly client: KubeClient;
  readonly labelKeys: readonly string[];
  readonly cacheSize: number;
  readonly ttlMs: number;
  readonly apiRatePerSecond: number;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  readonly now?: () => number;
  /** Watched metadata of Pods, ReplicaSets and Jobs: those kinds need no GET once synced. */
  readonly caches?: OwnerCaches;
}

/**
 * How long an event about a watched kind (Pod, ReplicaSet, Job) missing from its cache waits for the watch
 * to bring the object: in a storm of new Pods the event often overtakes its Pod by more than the GET budget
 * on a busy API server. Only such events wait (deleted objects are kept a while, existing ones are hits).
 */
const WATCH_WAIT_MS = 500;

const EMPTY: Enrichment = Object.freeze({ owners: Object.freeze([]), labels: Object.freeze({}) });
const MAX_DEPTH = 5;

const enc = encodeURIComponent;
const PATHS: Readonly<Record<string, (ns: string, name: string) => string>> = {
  Pod: (ns, n) => `/api/v1/namespaces/${enc(ns)}/pods/${enc(n)}`,
  ReplicaSet: (ns, n) => `/apis/apps/v1/namespaces/${enc(ns)}/replicasets/${enc(n)}`,
  Deployment: (ns, n) => `/apis/apps/v1/namespaces/${enc(ns)}/deployments/${enc(n)}`,
  StatefulSet: (ns, n) => `/apis/apps/v1/namespaces/${enc(ns)}/statefulsets/${enc(n)}`,
  DaemonSet: (ns, n) => `/apis/apps/v1/namespaces/${enc(ns)}/daemonsets/${enc(n)}`,
  Job: (ns, n) => `/apis/batch/v1/namespaces/${enc(ns)}/jobs/${enc(n)}`,
  CronJob: (ns, n) => `/apis/batch/v1/namespaces/${enc(ns)}/cronjobs/${enc(n)}`,
  Node: (_ns, n) => `/api/v1/nodes/${enc(n)}`,
};

/** Creates an {@link Enricher}. */
export function createEnricher(o: EnricherOptions): Enricher {
  const log = o.log.child({ component: 'enricher' });
  const cache = createLru<Enrichment>(o.cacheSize, o.ttlMs, o.now);
  const bucket = createTokenBucket(o.apiRatePerSecond, Math.max(1, o.apiRatePerSecond), o.now);
  const inflight = new Map<string, Promise<Enrichment>>();
  const keyOf = (kind: string, ns: string, name: string): string => `${kind}/${ns}/${name}`;
  const rateLimited = o.metrics.enrichmentFailures.labels({ reason: 'rate_limited' });

  async function fetchOne(kind: string, ns: string, name: string, depth: number): Promise<Enrichment> {
    const path = PATHS[kind]?.(ns, name);
    if (!path) return EMPTY;
    if (!bucket.tryTake()) throw new KhError('rate_limited', 'enrichment API rate limit reached');
    const res = await o.client.request('GET', path);
    if (res.status === 404) {
      o.metrics.enrichmentFailures.inc({ reason: 'not_found' });
      return EMPTY;
    }
    if (res.status !== 200) throw kubeHttpError(res.status, `GET ${kind}`, res.body);
    const meta = (res.body as { metadata?: Parameters<typeof ownerOf>[0] } | undefined)?.metadata ?? {};
    const owner = ownerOf(meta);
    const labels = pickLabels(meta, o.labelKeys);
    if (!owner || depth >= MAX_DEPTH) return { owners: owner ? [owner] : [], labels };
    const parent = await lookup(owner.kind, ns, owner.name, depth + 1);
    return { owners: [owner, ...parent.owners], labels };
  }

  function lookup(kind: string, ns: string, name: string, depth: number): Promise<Enrichment> {
    const key = keyOf(kind, ns, name);
    const hit = cache.get(key);
    if (hit) return Promise.resolve(hit);
    let p = inflight.get(key);
    if (!p) {
      p = fetchOne(kind, ns, name, depth).then((e) => {
        cache.set(key, e);
        return e;
      });
      const settle = (): void => void inflight.delete(key);
      p.then(settle, settle);
      inflight.set(key, p);
    }
    return p;
  }

  const failed = (err: unknown): undefined => {
    const reason = errorCode(err);
    o.metrics.enrichmentFailures.inc({ reason });
    if (reason === 'rate_limited') log.debug({ err }, 'enrichment rate limited');
    else log.warn({ err, reason }, 'enrichment lookup failed');
    return undefined;
  };

  // The owner chain from the watched caches: Pod → ReplicaSet → Deployment, Pod → Job → CronJob; an owner
  // of a kind not watched (Deployment, StatefulSet, …) ends it, with its own owners if a GET cached them.
  /**
   * The owner chain from the watched caches: Pod → ReplicaSet → Deployment, Pod → Job → CronJob; an owner of
   * a kind not watched (Deployment, StatefulSet, …) ends it, with its own owners if a GET cached them.
   * `missing`: an owner of a watched kind not (yet) in its cache — its own watch may lag the Pod's.
   */
  const chain = (entry: OwnerEntry, ns: string): { e: Enrichment; missing?: OwnerRef } => {
    const owners: OwnerRef[] = [];
    let owner = entry.owner;
    let missing: OwnerRef | undefined;
    while (owner && owners.length < MAX_DEPTH) {
      owners.push(owner);
      const caches = o.caches;
      if (caches?.covers(owner.kind)) {
        const next = caches.get(owner.kind, ns, owner.name);
        if (!next) missing = owner;
        owner = next?.owner;
        continue;
      }
      const fetched = cache.get(keyOf(owner.kind, ns, owner.name));
      if (fetched) owners.push(...fetched.owners.slice(0, MAX_DEPTH - owners.length));
      break;
    }
    const e =
      owners.length === 0 && Object.keys(entry.labels).length === 0
        ? EMPTY
        : { owners, labels: entry.labels };
    return missing ? { e, missing } : { e };
  };

  const cachedOf = (ref: ObjectRef): Enrichment | undefined => {
    if (!PATHS[ref.kind] || !ref.name) return EMPTY;
    if (o.caches?.covers(ref.kind)) {
      const entry = o.caches.get(ref.kind, ref.namespace, ref.name);
      const c = entry ? chain(entry, ref.namespace) : undefined;
      return c && !c.missing ? c.e : undefined; // an incomplete chain waits (resolve)
    }
    return cache.get(keyOf(ref.kind, ref.namespace, ref.name));
  };

  /** Waits (until `deadline`) for the object and for owners of watched kinds its chain still misses. */
  async function fromWatch(ref: ObjectRef, deadline: number): Promise<Enrichment | undefined> {
    const caches = o.caches;
    const entry = await caches?.waitFor(ref.kind, ref.namespace, ref.name, deadline - Date.now());
    if (!caches || !entry) return undefined;
    let c = chain(entry, ref.namespace);
    for (let i = 0; c.missing && i < MAX_DEPTH; i++) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await caches.waitFor(c.missing.kind, ref.namespace, c.missing.name, left))) break;
      c = chain(entry, ref.namespace);
    }
    return c.e;
  }

  return {
    cached: cachedOf,
    async resolve(ref, budgetMs) {
      const known = cachedOf(ref);
      if (known) return known;
      // A watched kind: the event may have overtaken its new object; the watch brings it within ms.
      if (o.caches?.covers(ref.kind)) {
        const waited = await fromWatch(ref, Date.now() + Math.max(budgetMs, WATCH_WAIT_MS));
        if (waited) return waited;
        o.metrics.enrichmentFailures.inc({ reason: 'not_in_watch' }); // gone, or past the bound: a GET
      }
      // In a storm most misses find the bucket empty: answer at once, without an Error, a timer or a GET.
      const key = keyOf(ref.kind, ref.namespace, ref.name);
      if (!inflight.has(key) && bucket.available() < 1) {
        rateLimited.inc();
        return undefined;
      }
      const work = lookup(ref.kind, ref.namespace, ref.name, 0).then((e) => e, failed);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => {
          o.metrics.enrichmentFailures.inc({ reason: 'timeout' }); // the event goes out without (counted there)
          resolve(undefined);
        }, budgetMs);
      });
      return await Promise.race([work, timeout]).finally(() => clearTimeout(timer));
    },
  };
}
