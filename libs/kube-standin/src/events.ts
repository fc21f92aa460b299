import { fromEventsV1, isEventsV1Shape, occurrenceCount, toCoreV1, usesSeries } from './event-views.js';
import type { ObjectWriter } from './objects.js';
import { RESOURCES } from './resources.js';
import { KubeApiError, notFound, statusObject } from './status.js';
import { objectKey, type Store } from './store.js';
import { formatMicroTime, formatTime } from './time.js';
import { cloneJson, isJsonObject, type JsonObject, type KubeObject } from './types.js';

/** A compact description of an event to create (the stand-in fills the rest like a recorder would). */
export interface EventSpec {
  readonly involvedObject: {
    readonly kind: string;
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly apiVersion?: string;
    readonly fieldPath?: string;
  };
  readonly reason: string;
  readonly message?: string;
  readonly type?: string;
  /** Defaults to the involved object's namespace, else `default`. */
  readonly namespace?: string;
  readonly name?: string;
  readonly source?: { readonly component?: string; readonly host?: string };
  readonly count?: number;
  /** Write it as the events.k8s.io recorder does: `eventTime`, `action`, no `count`; repeats use `series`. */
  readonly series?: boolean;
  readonly action?: string;
  readonly reportingController?: string;
}

/** An event to create: a compact {@link EventSpec}, or a full core/v1 or events.k8s.io/v1 object. */
export type EventInput = EventSpec | KubeObject;

/** Identifies an event: its uid, `namespace/name`, or an object with either. */
export type EventRef =
  string | { readonly uid: string } | { readonly namespace: string; readonly name: string };

/** One observed repetition of an event (what the collector turns into one occurrenceId). */
export interface Occurrence {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly reason: string;
  readonly count: number;
  readonly resourceVersion: string;
}

/** Event controls over the store. */
export interface EventControls {
  create(input: EventInput): KubeObject;
  bump(ref: EventRef, options?: { readonly message?: string }): KubeObject;
  remove(ref: EventRef): KubeObject;
  /** Deletes (DELETED on watches) every event whose last activity is older than `ttlMs`. */
  expire(ttlMs: number): number;
  created(): KubeObject[];
  occurrences(): Occurrence[];
}

const CORE_EVENTS = RESOURCES[0];

function isSpec(input: EventInput): input is EventSpec {
  return !isJsonObject((input as JsonObject).metadata);
}

/** Creates the event controls (create/bump/delete/expire plus the ledger used for loss accounting). */
export function createEventControls(store: Store, writer: ObjectWriter, now: () => Date): EventControls {
  const createdLog: KubeObject[] = [];
  const occurrenceLog: Occurrence[] = [];
  // Last write per uid at full precision (timestamps in the object are truncated to seconds).
  const lastWrite = new Map<string, number>();
  const keyByUid = new Map<string, string>();
  let nameSeq = 0n;

  const noteOccurrence = (ev: KubeObject): void => {
    lastWrite.set(ev.metadata.uid ?? '', now().getTime());
    occurrenceLog.push({
      uid: ev.metadata.uid ?? '',
      namespace: ev.metadata.namespace ?? '',
      name: ev.metadata.name ?? '',
      reason: typeof ev.reason === 'string' ? ev.reason : '',
      count: occurrenceCount(ev),
      resourceVersion: ev.metadata.resourceVersion ?? '',
    });
  };

  const uniqueName = (base: string): string => {
    nameSeq += 1n;
    return `${base}.${(BigInt(now().getTime()) * 1_000_000n + nameSeq).toString(16)}`;
  };

  const fromSpec = (spec: EventSpec): KubeObject => {
    const at = now();
    const inv = { ...spec.involvedObject };
    const namespace = spec.namespace ?? inv.namespace ?? 'default';
    const target = findInvolved(inv.kind, inv.namespace, inv.name);
    const involvedObject: JsonObject = {
      kind: inv.kind,
      ...(inv.namespace !== undefined ? { namespace: inv.namespace } : {}),
      name: inv.name,
      uid: inv.uid ?? target?.metadata.uid ?? inv.name,
      apiVersion: inv.apiVersion ?? target?.apiVersion ?? 'v1',
      ...(target?.metadata.resourceVersion ? { resourceVersion: target.metadata.resourceVersion } : {}),
      ...(inv.fieldPath !== undefined ? { fieldPath: inv.fieldPath } : {}),
    };
    const common: KubeObject = {
      metadata: { name: spec.name ?? uniqueName(inv.name), namespace },
      involvedObject,
      reason: spec.reason,
      message: spec.message ?? '',
      type: spec.type ?? 'Normal',
    };
    if (spec.series) {
      const controller = spec.reportingController ?? spec.source?.component ?? 'kube-standin';
      return {
        ...common,
        eventTime: formatMicroTime(at),
        action: spec.action ?? spec.reason,
        reportingComponent: controller,
        reportingInstance: `${controller}-${spec.source?.host ?? 'standin'}`,
        source: {},
      };
    }
    return {
      ...common,
      source: {
        component: spec.source?.component ?? 'kubelet',
        ...(spec.source?.host ? { host: spec.source.host } : {}),
      },
      firstTimestamp: formatTime(at),
      lastTimestamp: formatTime(at),
      count: spec.count ?? 1,
      ...(spec.action ? { action: spec.action } : {}),
    };
  };

  function findInvolved(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const view = RESOURCES.find((r) => r.kind === kind && r.storage !== 'events');
    return view ? writer.get(view.storage, namespace, name) : undefined;
  }

  const find = (ref: EventRef): [string, KubeObject] => {
    const r = typeof ref === 'string' ? (ref.includes('/') ? splitRef(ref) : { uid: ref }) : ref;
    if ('uid' in r) {
      const indexed = keyByUid.get(r.uid);
      const cached = indexed === undefined ? undefined : store.get('events', indexed);
      if (indexed !== undefined && cached?.metadata.uid === r.uid) return [indexed, cached];
      const hit = store.list('events').find(([, ev]) => ev.metadata.uid === r.uid);
      if (!hit) throw notFound('events', '', r.uid);
      return hit;
    }
    const key = objectKey(r.namespace, r.name);
    const ev = store.get('events', key);
    if (!ev) throw notFound('events', '', r.name);
    return [key, ev];
  };

  return {
    create(input) {
      let obj: KubeObject;
      if (isSpec(input)) obj = fromSpec(input);
      else {
        obj = cloneJson(input);
        if (isEventsV1Shape(obj)) obj = fromEventsV1(obj);
        const inv = isJsonObject(obj.involvedObject) ? obj.involvedObject : {};
        const base = typeof inv.name === 'string' && inv.name ? inv.name : 'event';
        obj.metadata = { ...obj.metadata, name: obj.metadata.name ?? uniqueName(base) };
      }
      if (!CORE_EVENTS) throw new KubeApiError(statusObject(500, 'InternalError', 'no events resource'));
      const stored = writer.create(CORE_EVENTS, obj.metadata.namespace ?? 'default', obj);
      createdLog.push(toCoreV1(stored));
      keyByUid.set(
        stored.metadata.uid ?? '',
        objectKey(stored.metadata.namespace, stored.metadata.name ?? ''),
      );
      noteOccurrence(stored);
      return toCoreV1(stored);
    },
    bump(ref, options = {}) {
      const [key, ev] = find(ref);
      const at = now();
      const next: KubeObject = {
        ...ev,
        ...(options.message !== undefined ? { message: options.message } : {}),
      };
      if (usesSeries(ev)) {
        next.series = { count: occurrenceCount(ev) + 1, lastObservedTime: formatMicroTime(at) };
      } else {
        next.count = occurrenceCount(ev) + 1;
        next.lastTimestamp = formatTime(at);
      }
      const stored = store.put('events', key, next);
      noteOccurrence(stored);
      return toCoreV1(stored);
    },
    remove(ref) {
      const [key] = find(ref);
      const removed = store.remove('events', key);
      if (!removed) throw notFound('events', '', key);
      return toCoreV1(removed);
    },
    expire(ttlMs) {
      const cutoff = now().getTime() - ttlMs;
      let n = 0;
      for (const [key, ev] of store.list('events')) {
        if ((lastWrite.get(ev.metadata.uid ?? '') ?? lastActivity(ev)) < cutoff) {
          lastWrite.delete(ev.metadata.uid ?? '');
          store.remove('events', key);
          n++;
        }
      }
      return n;
    },
    created: () => createdLog.map((e) => cloneJson(e)),
    occurrences: () => [...occurrenceLog],
  };
}

function splitRef(ref: string): { namespace: string; name: string } {
  const i = ref.indexOf('/');
  return { namespace: ref.slice(0, i), name: ref.slice(i + 1) };
}

function lastActivity(ev: KubeObject): number {
  const series = isJsonObject(ev.series) ? ev.series.lastObservedTime : undefined;
  for (const t of [series, ev.lastTimestamp, ev.eventTime, ev.metadata.creationTimestamp]) {
    if (typeof t === 'string') {
      const ms = Date.parse(t);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  return 0;
}
