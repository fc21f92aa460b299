import { KhError } from '@kube-herald/errors';
import type { DownMode, KubeStandinStats } from './controls.js';
import type { EventInput, EventRef, Occurrence } from './events.js';
import type { KubeObject, StorageKind } from './types.js';

/** The workload kinds the control API can create. */
export type WorkloadKind = 'node' | 'pod' | 'deployment' | 'statefulset' | 'daemonset' | 'job' | 'cronjob';

/** A typed client of the stand-in's HTTP control API, for a process that does not embed the stand-in. */
export interface KubeStandinClient {
  createEvent(input: EventInput): Promise<KubeObject>;
  bumpEvent(ref: EventRef, options?: { readonly message?: string }): Promise<KubeObject>;
  deleteEvent(ref: EventRef): Promise<KubeObject>;
  expireEvents(ttlMs: number): Promise<number>;
  eventsCreated(): Promise<KubeObject[]>;
  occurrences(): Promise<Occurrence[]>;
  compact(keepLast?: number): Promise<string>;
  resourceVersion(): Promise<{ resourceVersion: string; oldest: string }>;
  dropWatches(options?: { readonly graceful?: boolean }): Promise<number>;
  stallWatches(on: boolean): Promise<void>;
  delay(ms: number): Promise<void>;
  down(on: boolean, mode?: DownMode): Promise<void>;
  forbid(resources: readonly string[]): Promise<void>;
  putObject(storage: StorageKind, object: KubeObject): Promise<KubeObject>;
  /** Creates a workload (and its owned objects); the answer is what the programmatic helper returns. */
  workload(kind: WorkloadKind, options: Record<string, unknown> & { name: string }): Promise<unknown>;
  stats(): Promise<KubeStandinStats>;
}

/**
 * Creates a {@link KubeStandinClient} for the stand-in at `baseUrl` (what `start()` returned).
 * Failures throw `KhError` with code `KUBE_STANDIN_CONTROL_FAILED` and the HTTP status in `details`.
 */
export function createKubeStandinClient(baseUrl: string): KubeStandinClient {
  const base = baseUrl.replace(/\/+$/, '');
  async function call<T>(op: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}/_standin/${op}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new KhError('KUBE_STANDIN_CONTROL_FAILED', `control ${op} failed: ${String(err)}`, {
        cause: err,
        verdict: 'retry',
      });
    }
    const text = await res.text();
    if (res.status !== 200) {
      throw new KhError(
        'KUBE_STANDIN_CONTROL_FAILED',
        `control ${op} answered ${res.status}: ${text.slice(0, 500)}`,
        {
          verdict: 'permanent',
          details: { status: res.status },
        },
      );
    }
    return JSON.parse(text) as T;
  }
  return {
    createEvent: (input) => call('events', input),
    bumpEvent: (ref, options = {}) => call('events/bump', { ref, ...options }),
    deleteEvent: (ref) => call('events/delete', { ref }),
    expireEvents: async (ttlMs) => (await call<{ deleted: number }>('events/expire', { ttlMs })).deleted,
    eventsCreated: async () => (await call<{ items: KubeObject[] }>('events-created')).items,
    occurrences: async () => (await call<{ items: Occurrence[] }>('occurrences')).items,
    compact: async (keepLast) =>
      (await call<{ oldest: string }>('compact', keepLast === undefined ? {} : { keepLast })).oldest,
    resourceVersion: () => call('resource-version'),
    dropWatches: async (options = {}) => (await call<{ dropped: number }>('watches/drop', options)).dropped,
    stallWatches: async (on) => {
      await call('watches/stall', { on });
    },
    delay: async (ms) => {
      await call('delay', { ms });
    },
    down: async (on, mode = 'reset') => {
      await call('down', { on, mode });
    },
    forbid: async (resources) => {
      await call('forbid', { resources });
    },
    putObject: (storage, object) => call('objects', { storage, object }),
    workload: (kind, options) => call(`workloads/${kind}`, options),
    stats: () => call('stats'),
  };
}
