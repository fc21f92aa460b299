import type { FaultMode, FaultSpec } from './types.js';

const MODES: ReadonlySet<string> = new Set<FaultMode>(['http5xx', 'delay', 'reset', 'throttle']);

/** An injected fault with its remaining uses. */
export interface ActiveFault extends FaultSpec {
  readonly id: number;
  remaining: number;
}

/** The set of injected faults. */
export interface Faults {
  inject(spec: FaultSpec): number;
  clear(): void;
  list(): readonly ActiveFault[];
  /** The first fault that hits a request to `channel` (consuming one use), if any. */
  take(channel: string): ActiveFault | undefined;
}

/** Validates an untrusted fault spec (control API); returns a problem or the spec. */
export function parseFaultSpec(input: unknown): FaultSpec | string {
  if (typeof input !== 'object' || input === null) return 'body must be an object';
  const o = input as Record<string, unknown>;
  if (typeof o['mode'] !== 'string' || !MODES.has(o['mode'])) return `mode: one of ${[...MODES].join(', ')}`;
  const spec: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = { mode: o['mode'] as FaultMode };
  if (o['channel'] !== undefined) {
    if (typeof o['channel'] !== 'string') return 'channel: string';
    spec.channel = o['channel'];
  }
  for (const key of ['times', 'probability', 'delayMs', 'retryAfterSeconds'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `${key}: non-negative number`;
    spec[key] = v;
  }
  if (spec.probability !== undefined && spec.probability > 1) return 'probability: between 0 and 1';
  return spec;
}

/** Creates an empty fault set; `random` decides probabilistic faults. */
export function createFaults(random: () => number): Faults {
  let faults: ActiveFault[] = [];
  let nextId = 1;
  return {
    inject(spec) {
      const id = nextId++;
      faults.push({ ...spec, id, remaining: spec.times ?? Number.POSITIVE_INFINITY });
      return id;
    },
    clear() {
      faults = [];
    },
    list: () => faults,
    take(channel) {
      const hit = faults.find(
        (f) =>
          f.remaining > 0 &&
          (f.channel === undefined || f.channel === channel) &&
          (f.probability === undefined || random() < f.probability),
      );
      if (hit === undefined) return undefined;
      hit.remaining -= 1;
      faults = faults.filter((f) => f.remaining > 0);
      return hit;
    },
  };
}
