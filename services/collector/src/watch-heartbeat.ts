import { randomBytes } from 'node:crypto';
import { KhError } from '@kube-herald/errors';
import { kubeHttpError, type KubeClient } from './kube-client.js';

/** Name of the heartbeat Event the collector writes into a quiet watch (one per watched namespace). */
export const HEARTBEAT_NAME = 'kube-herald-collector.watch-heartbeat';
/** Annotation carrying the nonce of the last heartbeat write. */
export const HEARTBEAT_ANNOTATION = 'kube-herald.io/watch-heartbeat';
const REASON = 'WatchHeartbeat';

/**
 * Writes the heartbeat Event of one watch scope. A real API server sends no BOOKMARK on Event watches,
 * so a quiet watch is silent: nothing tells a dead connection from a quiet cluster, and its
 * resourceVersion does not move until the API server's compaction makes it unusable (410, a full LIST).
 * The collector then updates this one Event in the watched namespace: it comes back through the watch,
 * in order, proving the connection alive and moving the resourceVersion past everything before it. It is
 * never published.
 */
export interface WatchHeartbeat {
  readonly namespace: string;
  /** Writes a new nonce; resolves with it. Rejects with `kube_http_<status>` when the API refuses. */
  beat(): Promise<string>;
  /** True for a heartbeat Event (a LIST item or a watch object, any Event API, any namespace). */
  isHeartbeat(obj: unknown): boolean;
  /** The nonce carried by a heartbeat object. */
  nonceOf(obj: unknown): string | undefined;
}

interface EventLike {
  metadata?: {
    name?: unknown;
    namespace?: unknown;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
}

/** True for a heartbeat Event of any namespace: a cluster-wide watch also sees those of namespaced collectors. */
export function isHeartbeatEvent(obj: unknown): boolean {
  return (obj as EventLike | null)?.metadata?.name === HEARTBEAT_NAME;
}

/** True when the API refuses heartbeats for good (RBAC, unknown namespace): silence must then be tolerated. */
export function heartbeatRefused(err: unknown): boolean {
  const status = err instanceof KhError ? err.details?.status : undefined;
  return status === 401 || status === 403 || status === 404 || status === 422;
}

/** Creates the {@link WatchHeartbeat} of `namespace` (core/v1 Event API: every API server serves it). */
export function createWatchHeartbeat(client: KubeClient, namespace: string): WatchHeartbeat {
  const collection = `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;
  const path = `${collection}/${encodeURIComponent(HEARTBEAT_NAME)}`;
  const body = (nonce: string, base: EventLike | undefined): Record<string, unknown> => {
    const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      ...base,
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        ...base?.metadata,
        name: HEARTBEAT_NAME,
        namespace,
        annotations: { ...base?.metadata?.annotations, [HEARTBEAT_ANNOTATION]: nonce },
      },
      involvedObject: {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace,
        name: HEARTBEAT_NAME,
      },
      reason: REASON,
      message: 'kube-herald collector: watch heartbeat (never published)',
      type: 'Normal',
      source: { component: 'kube-herald-collector' },
      reportingComponent: 'kube-herald-collector',
      firstTimestamp: (base as { firstTimestamp?: string } | undefined)?.firstTimestamp ?? t,
      lastTimestamp: t,
      count: 1,
    };
  };
  return {
    namespace,
    async beat() {
      const nonce = randomBytes(8).toString('hex');
      const got = await client.request('GET', path);
      if (got.status === 404) {
        const res = await client.request('POST', collection, body(nonce, undefined));
        if (res.status !== 201 && res.status !== 200)
          throw kubeHttpError(res.status, 'POST heartbeat', res.body);
        return nonce;
      }
      if (got.status !== 200) throw kubeHttpError(got.status, 'GET heartbeat', got.body);
      const res = await client.request('PUT', path, body(nonce, got.body as EventLike));
      if (res.status !== 200) throw kubeHttpError(res.status, 'PUT heartbeat', res.body);
      return nonce;
    },
    isHeartbeat: isHeartbeatEvent,
    nonceOf: (obj) => (obj as EventLike | null)?.metadata?.annotations?.[HEARTBEAT_ANNOTATION],
  };
}
