import type { WecomFaultMode, WecomFaultSpec } from './types.js';

const MODES: ReadonlySet<string> = new Set<WecomFaultMode>([
  'http5xx',
  'errcode-1',
  'delay',
  'reset',
  'throttle',
]);

/** An injected fault with its remaining uses. */
export interface ActiveFault extends WecomFaultSpec {
  readonly id: number;
  remaining: number;
}

/** The set of injected faults. */
export interface Faults {
  inject(spec: WecomFaultSpec): number;
  clear(): void;
  list(): readonly ActiveFault[];
  /** The first fault that hits a request to `robot` (consuming one use), if any. */
  take(robot: string | undefined): ActiveFault | undefined;
}

/** Validates an untrusted fault spec (control API); returns a problem or the spec. */
export function parseFaultSpec(input: unknown): WecomFaultSpec | string {
  if (typeof input !== 'object' || input === null) return 'body must be an object';
  const o = input as Record<string, unknown>;
  if (typeof o['mode'] !== 'string' || !MODES.has(o['mode'])) return `mode: one of ${[...MODES].join(', ')}`;
  const spec: { -readonly [K in keyof WecomFaultSpec]: WecomFaultSpec[K] } = {
    mode: o['mode'] as WecomFaultMode,
  };
  if (o['robot'] !== undefined) {
    if (typeof o['robot'] !== 'string') return 'robot: string';
    spec.robot = o['robot'];
  }
  for (const key of ['times', 'probability', 'delayMs'] as const) {
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
    list() {
      return faults;
    },
    take(robot) {
      const hit = faults.find(
        (f) =>
          f.remaining > 0 &&
          (f.robot === undefined || f.robot === robot) &&
          (f.probability === undefined || random() < f.probability),
      );
      if (hit === undefined) return undefined;
      hit.remaining -= 1;
      faults = faults.filter((f) => f.remaining > 0);
      return hit;
    },
  };
}
