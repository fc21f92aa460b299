import { setTimeout as sleep } from 'node:timers/promises';

/** What every stand-in's fault spec has: a mode, how many uses, a chance, a delay. */
export interface FaultBase {
  readonly mode: string;
  /** How many requests it hits before it is used up; unlimited when absent. */
  readonly times?: number;
  /** Chance (0..1) that a request is hit. Default 1. */
  readonly probability?: number;
  /** For `delay`: how long to wait before handling the request normally. */
  readonly delayMs?: number;
}

/** An injected fault with its remaining uses. */
export type ActiveFault<S extends FaultBase> = S & { readonly id: number; remaining: number };

/** Faults injected and not used up, at most (a stand-in left running for the demo stays bounded). */
export const FAULT_LIMIT = 1000;

/** The set of injected faults, at most {@link FAULT_LIMIT}. */
export interface Faults<S extends FaultBase> {
  /** Adds a fault; throws when {@link FAULT_LIMIT} are active (the control API answers 409 first). */
  inject(spec: S): number;
  /** {@link FAULT_LIMIT} faults are active: clear some before injecting more. */
  readonly full: boolean;
  clear(): void;
  list(): readonly ActiveFault<S>[];
  /** The first fault that hits a request to `target` (consuming one use), if any. */
  take(target: string | undefined): ActiveFault<S> | undefined;
}

/** Where the stand-ins' fault specs differ. */
export interface FaultShape {
  /** The accepted modes, in the order the validation message lists them. */
  readonly modes: readonly string[];
  /** The optional key naming the one robot / bot / channel a fault is limited to. */
  readonly target: string;
  /** Extra non-negative number fields besides `times`, `probability`, `delayMs`. */
  readonly numbers?: readonly string[];
}

/** A validator of untrusted fault specs (control API): it returns a problem or the spec. */
export function createFaultSpecParser<S extends FaultBase>(
  shape: FaultShape,
): (input: unknown) => S | string {
  const modes: ReadonlySet<string> = new Set(shape.modes);
  const numbers = ['times', 'probability', 'delayMs', ...(shape.numbers ?? [])];
  return (input) => {
    if (typeof input !== 'object' || input === null) return 'body must be an object';
    const o = input as Record<string, unknown>;
    if (typeof o['mode'] !== 'string' || !modes.has(o['mode']))
      return `mode: one of ${[...modes].join(', ')}`;
    const spec: Record<string, unknown> = { mode: o['mode'] };
    const target = o[shape.target];
    if (target !== undefined) {
      if (typeof target !== 'string') return `${shape.target}: string`;
      spec[shape.target] = target;
    }
    for (const key of numbers) {
      const v = o[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `${key}: non-negative number`;
      spec[key] = v;
    }
    if (typeof spec['probability'] === 'number' && spec['probability'] > 1)
      return 'probability: between 0 and 1';
    return spec as unknown as S;
  };
}

/** The answer when the fault set is full. */
export const FAULTS_FULL = `at most ${FAULT_LIMIT} faults at once: DELETE /_standin/faults first`;

/** Creates an empty fault set limited per `target` key; `random` decides probabilistic faults. */
export function createFaults<S extends FaultBase>(random: () => number, target: string): Faults<S> {
  let faults: ActiveFault<S>[] = [];
  let nextId = 1;
  const targetOf = (f: ActiveFault<S>): unknown => (f as unknown as Record<string, unknown>)[target];
  return {
    inject(spec) {
      if (faults.length >= FAULT_LIMIT) throw new Error(FAULTS_FULL);
      const id = nextId++;
      faults.push({ ...spec, id, remaining: spec.times ?? Number.POSITIVE_INFINITY });
      return id;
    },
    get full() {
      return faults.length >= FAULT_LIMIT;
    },
    clear() {
      faults = [];
    },
    list: () => faults,
    take(name) {
      const hit = faults.find(
        (f) =>
          f.remaining > 0 &&
          (targetOf(f) === undefined || targetOf(f) === name) &&
          (f.probability === undefined || random() < f.probability),
      );
      if (hit === undefined) return undefined;
      hit.remaining -= 1;
      faults = faults.filter((f) => f.remaining > 0);
      return hit;
    },
  };
}

/** Waits out a `delay` fault; false when `signal` aborts first (the stand-in is closing). */
export async function waitFaultDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
