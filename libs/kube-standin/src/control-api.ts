import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventInput, EventRef } from './events.js';
import { readJson, sendJson } from './http-util.js';
import type { KubeStandinControls } from './controls.js';
import { badRequest, KubeApiError, statusObject } from './status.js';
import { isJsonObject, type JsonObject, type KubeObject, type StorageKind } from './types.js';
import type { WorkloadOptions } from './workloads.js';

/** The path prefix of the control API (never authenticated, never faulted). */
export const CONTROL_PREFIX = '/_standin/';

type Handler = (body: JsonObject) => unknown;

function ref(body: JsonObject): EventRef {
  const r =
    body.ref ??
    body.uid ??
    (typeof body.namespace === 'string' && typeof body.name === 'string'
      ? `${body.namespace}/${body.name}`
      : undefined);
  if (
    typeof r === 'string' ||
    (isJsonObject(r) && (typeof r.uid === 'string' || typeof r.name === 'string'))
  ) {
    return r as EventRef;
  }
  throw badRequest('body needs "ref" (uid or namespace/name), "uid", or "namespace" and "name"');
}

function num(body: JsonObject, key: string, fallback?: number): number {
  const v = body[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw badRequest(`"${key}" must be a non-negative number`);
  return v;
}

function workload(body: JsonObject): WorkloadOptions {
  if (typeof body.name !== 'string' || !body.name) throw badRequest('"name" is required');
  return body as unknown as WorkloadOptions;
}

/**
 * The HTTP control API for another process (the demo's scenario engine):
 * `GET stats|events-created|occurrences|resource-version`, `POST events`, `events/bump`, `events/delete`,
 * `events/expire`, `compact`, `forbid`, `watches/drop`, `watches/stall`, `delay`, `down`, `objects`,
 * `workloads/{node,pod,deployment,statefulset,daemonset,job,cronjob}` — all JSON.
 */
export function createControlHandler(c: KubeStandinControls) {
  const gets: Record<string, () => unknown> = {
    stats: () => c.stats(),
    'events-created': () => ({ items: c.eventsCreated() }),
    occurrences: () => ({ items: c.occurrences() }),
    'resource-version': () => ({ resourceVersion: c.resourceVersion(), oldest: c.oldestResourceVersion() }),
  };
  const posts: Record<string, Handler> = {
    events: (b) => c.createEvent(b as unknown as EventInput),
    'events/bump': (b) => c.bumpEvent(ref(b), typeof b.message === 'string' ? { message: b.message } : {}),
    'events/delete': (b) => c.deleteEvent(ref(b)),
    'events/expire': (b) => ({ deleted: c.expireEvents(num(b, 'ttlMs')) }),
    compact: (b) => ({ oldest: c.compact(b.keepLast === undefined ? undefined : num(b, 'keepLast')) }),
    'watches/drop': (b) => ({ dropped: c.dropWatches({ graceful: b.graceful === true }) }),
    'watches/stall': (b) => (c.stallWatches(b.on !== false), { stalled: b.on !== false }),
    delay: (b) => (c.delay(num(b, 'ms')), { ms: b.ms }),
    down: (b) => (c.down(b.on !== false, b.mode === '503' ? '503' : 'reset'), { down: b.on !== false }),
    forbid: (b) => {
      const list = b.resources ?? [];
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
        throw badRequest('"resources" must be a list of strings');
      }
      c.forbid(list);
      return { forbidden: list };
    },
    objects: (b) => {
      if (typeof b.storage !== 'string' || !isJsonObject(b.object))
        throw badRequest('need "storage" and "object"');
      return c.putObject(b.storage as StorageKind, b.object as KubeObject);
    },
    'workloads/node': (b) =>
      c.workloads.node(workload(b).name, b.labels as Record<string, string> | undefined),
    'workloads/pod': (b) => c.workloads.pod(workload(b)),
    'workloads/deployment': (b) => c.workloads.deployment(workload(b)),
    'workloads/statefulset': (b) => c.workloads.statefulSet(workload(b)),
    'workloads/daemonset': (b) => c.workloads.daemonSet(workload(b)),
    'workloads/job': (b) => c.workloads.job(workload(b)),
    'workloads/cronjob': (b) => c.workloads.cronJob(workload(b)),
  };

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const op = url.pathname.slice(CONTROL_PREFIX.length);
    const get = gets[op];
    const post = posts[op];
    if (req.method === 'GET' && get) {
      sendJson(res, 200, get());
      return;
    }
    if (req.method === 'POST' && post) {
      const body = (await readJson(req)) ?? {};
      if (!isJsonObject(body)) throw badRequest('body must be a JSON object');
      sendJson(res, 200, post(body));
      return;
    }
    throw new KubeApiError(statusObject(404, 'NotFound', `no control operation ${req.method ?? ''} ${op}`));
  };
}
