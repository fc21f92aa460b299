import type { EventControls, EventInput, EventRef, Occurrence } from './events.js';
import type { ObjectWriter } from './objects.js';
import { viewOfStorage } from './resources.js';
import type { Store } from './store.js';
import { cloneJson, type KubeObject, type StorageKind } from './types.js';
import type { WatchHub } from './watch-hub.js';
import type { Workloads } from './workloads.js';

/** How the stand-in behaves while {@link KubeStandinControls.down} is on. */
export type DownMode = 'reset' | '503';

/** Counters for assertions and loss accounting. */
export interface KubeStandinStats {
  readonly openWatches: number;
  readonly watchesStarted: number;
  readonly watchEventsSent: number;
  readonly bookmarksSent: number;
  readonly expiredSent: number;
  readonly requestsTotal: number;
  /** Requests per URL path (query excluded), control API excluded. */
  readonly requests: Readonly<Record<string, number>>;
  readonly unauthorized: number;
  readonly resourceVersion: string;
  readonly oldestResourceVersion: string;
}

/** Fault switches read by the HTTP layer. */
export interface FaultState {
  delayMs: number;
  down: DownMode | undefined;
  requestsTotal: number;
  unauthorized: number;
  readonly requests: Map<string, number>;
  /** Resources answered with 403 Forbidden: `plural` (any group) or `group/plural` (`/events` = core only). */
  readonly forbidden: Set<string>;
}

/** Programmatic controls of the simulated cluster (also served over HTTP under `/_standin/`). */
export interface KubeStandinControls {
  /** Creates an event (compact spec, core/v1 or events.k8s.io/v1 object); returns its core/v1 view. */
  createEvent(input: EventInput): KubeObject;
  /** Repeats an event: `count`+1 and `lastTimestamp`, or `series` for events.k8s.io-style events (MODIFIED). */
  bumpEvent(ref: EventRef, options?: { readonly message?: string }): KubeObject;
  /** Deletes an event (DELETED). */
  deleteEvent(ref: EventRef): KubeObject;
  /** Deletes events idle for longer than `ttlMs`, like `--event-ttl`; returns how many. */
  expireEvents(ttlMs: number): number;
  /** Every event ever created, as created (core/v1 view), deleted ones included. */
  eventsCreated(): KubeObject[];
  /** Every occurrence: one per creation and one per bump, with its count. */
  occurrences(): Occurrence[];
  /** Compacts history to the last `keepLast` changes (default: all); returns the oldest usable RV. */
  compact(keepLast?: number): string;
  resourceVersion(): string;
  oldestResourceVersion(): string;
  /** Ends every open watch (socket destroyed; cleanly ended with `graceful`); returns how many. */
  dropWatches(options?: { readonly graceful?: boolean }): number;
  /** Keeps watch connections open but silent (no events, no bookmarks) until turned off. */
  stallWatches(on: boolean): void;
  /** Delays every API answer (and watch start) by `ms`. */
  delay(ms: number): void;
  /** Simulates an API server outage: `reset` destroys sockets, `503` answers ServiceUnavailable. */
  down(on: boolean, mode?: DownMode): void;
  /**
   * Simulates RBAC: requests for these resources answer 403 Forbidden. Entries are a plural
   * (`replicasets`, any group) or `group/plural` (`apps/replicasets`, `/events` for core only);
   * an empty list allows everything again.
   */
  forbid(resources: readonly string[]): void;
  putObject(storage: StorageKind, object: KubeObject): KubeObject;
  getObject(storage: StorageKind, namespace: string | undefined, name: string): KubeObject | undefined;
  deleteObject(storage: StorageKind, namespace: string | undefined, name: string): KubeObject;
  readonly workloads: Workloads;
  stats(): KubeStandinStats;
}

/** Dependencies of {@link createControls}. */
export interface ControlDeps {
  readonly store: Store;
  readonly writer: ObjectWriter;
  readonly events: EventControls;
  readonly hub: WatchHub;
  readonly workloads: Workloads;
  readonly faults: FaultState;
}

/** Assembles the controls from the stand-in's parts. */
export function createControls(d: ControlDeps): KubeStandinControls {
  return {
    createEvent: (input) => d.events.create(input),
    bumpEvent: (ref, options) => d.events.bump(ref, options),
    deleteEvent: (ref) => d.events.remove(ref),
    expireEvents: (ttlMs) => d.events.expire(ttlMs),
    eventsCreated: () => d.events.created(),
    occurrences: () => d.events.occurrences(),
    compact: (keepLast) => String(d.store.compact(keepLast)),
    resourceVersion: () => String(d.store.currentRv()),
    oldestResourceVersion: () => String(d.store.oldestRv()),
    dropWatches: (options) => d.hub.drop(options?.graceful === true),
    stallWatches: (on) => d.hub.setStalled(on),
    delay(ms) {
      d.faults.delayMs = Math.max(0, ms);
    },
    down(on, mode = 'reset') {
      d.faults.down = on ? mode : undefined;
      if (on) d.hub.drop(false);
    },
    forbid(resources) {
      d.faults.forbidden.clear();
      resources.forEach((r) => d.faults.forbidden.add(r));
    },
    putObject: (storage, object) => cloneJson(d.writer.put(storage, object)),
    getObject: (storage, namespace, name) => {
      const o = d.writer.get(storage, namespace, name);
      return o ? cloneJson(o) : undefined;
    },
    deleteObject: (storage, namespace, name) =>
      cloneJson(d.writer.remove(viewOfStorage(storage), namespace, name)),
    workloads: d.workloads,
    stats() {
      const c = d.hub.counters();
      return {
        openWatches: d.hub.openCount(),
        watchesStarted: c.started,
        watchEventsSent: c.eventsSent,
        bookmarksSent: c.bookmarksSent,
        expiredSent: c.expiredSent,
        requestsTotal: d.faults.requestsTotal,
        requests: Object.fromEntries(d.faults.requests),
        unauthorized: d.faults.unauthorized,
        resourceVersion: String(d.store.currentRv()),
        oldestResourceVersion: String(d.store.oldestRv()),
      };
    },
  };
}
