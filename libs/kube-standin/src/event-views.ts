import type { JsonObject, KubeObject } from './types.js';

const CORE_TO_V1: ReadonlyArray<readonly [string, string]> = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];
const SHARED = ['eventTime', 'series', 'reportingInstance', 'action', 'reason', 'related', 'type'] as const;

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0;
}

function copyDefined(from: KubeObject, to: KubeObject, src: string, dst: string): void {
  if (from[src] !== undefined) to[dst] = from[src];
}

/**
 * The events.k8s.io/v1 view of a stored (core/v1-shaped) Event, converted as the API server does:
 * involvedObject→regarding, message→note, source→deprecatedSource, count→deprecatedCount, ….
 */
export function toEventsV1(core: KubeObject): KubeObject {
  const out: KubeObject = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: core.metadata };
  out.eventTime = core.eventTime ?? null;
  for (const key of SHARED) if (key !== 'eventTime') copyDefined(core, out, key, key);
  for (const [c, v] of CORE_TO_V1) {
    if (!isEmpty(core[c])) copyDefined(core, out, c, v);
  }
  return out;
}

/** The core/v1 view of a stored Event (fields real servers print as null/"" are filled). */
export function toCoreV1(stored: KubeObject): KubeObject {
  const out: KubeObject = { kind: 'Event', apiVersion: 'v1', ...stored };
  out.kind = 'Event';
  out.apiVersion = 'v1';
  out.involvedObject ??= {};
  out.firstTimestamp ??= null;
  out.lastTimestamp ??= null;
  out.eventTime ??= null;
  out.reportingComponent ??= '';
  out.reportingInstance ??= '';
  return out;
}

/** Converts an events.k8s.io/v1 (or v1beta1) Event to the stored core/v1 shape. */
export function fromEventsV1(v1: KubeObject): KubeObject {
  const out: KubeObject = { kind: 'Event', apiVersion: 'v1', metadata: v1.metadata };
  for (const key of SHARED) copyDefined(v1, out, key, key);
  for (const [c, v] of CORE_TO_V1) copyDefined(v1, out, v, c);
  return out;
}

/** True when an input object is in events.k8s.io form rather than core/v1 form. */
export function isEventsV1Shape(obj: JsonObject): boolean {
  const api = obj.apiVersion;
  if (typeof api === 'string') return api.startsWith('events.k8s.io/');
  return obj.regarding !== undefined || obj.note !== undefined;
}

/** True when an event repeats through `series` (events.k8s.io style) rather than `count`. */
export function usesSeries(ev: KubeObject): boolean {
  if (ev.series !== undefined && ev.series !== null) return true;
  return (ev.count === undefined || ev.count === null) && typeof ev.eventTime === 'string';
}

/** The occurrence number of an event: `series.count`, else `count`, else 1. */
export function occurrenceCount(ev: KubeObject): number {
  const series = ev.series as { count?: unknown } | null | undefined;
  if (series && typeof series.count === 'number') return series.count;
  return typeof ev.count === 'number' ? ev.count : 1;
}
