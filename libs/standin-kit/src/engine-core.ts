import { createFaults, waitFaultDelay } from './faults.js';
import type { ActiveFault, FaultBase, Faults } from './faults.js';
import { appendCapped } from './message-log.js';

/** Minimal pino-compatible logger of a stand-in. */
export interface StandinLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A robot / bot that may sign its requests, require keywords and limit senders (DingTalk, Feishu). */
export interface SignedRobot {
  readonly name: string;
  /** The token of its webhook (DingTalk: the `access_token`; Feishu: the last path segment). */
  readonly token: string;
  /** Signing secret; when set, `timestamp` and `sign` are required and checked. */
  readonly secret?: string;
  /** When set (≤ 10), a message must contain one of them. */
  readonly keywords?: readonly string[];
  /** When set, only these peer addresses may send. */
  readonly ipAllowlist?: readonly string[];
}

/** Options every stand-in takes besides its robots / bots / channels and limits. */
export interface StandinBaseOptions {
  /** Clock in ms; injected by tests to move time. Default `Date.now`. */
  readonly clock?: () => number;
  /** Random source for fault probabilities. Default `Math.random`. */
  readonly random?: () => number;
  readonly log?: StandinLogger;
}

/** What the HTTP and control layers of every stand-in use of its engine. */
export interface StandinEngine<I, A, S extends FaultBase, M, St> {
  handle(input: I): Promise<A>;
  readonly faults: Faults<S>;
  /** The accepted messages, of the robot / bot / channel `name` only when given. */
  messages(name?: string): readonly M[];
  stats(): St;
  reset(): void;
  /** Cancels pending `delay` faults (their requests are reset). */
  close(): void;
}

/** What the engines of all stand-ins keep alike: faults, the message log, unmatched answers, closing. */
export interface EngineCore<S extends FaultBase, M extends { readonly id: number }, K> {
  readonly faults: Faults<S>;
  /** Logs an accepted message under the next id (increasing across robots); the newest are kept. */
  record(message: Omit<M, 'id'>): M;
  /** The logged messages, of the robot / bot / channel `name` only when given. */
  messages(name?: string): readonly M[];
  /** Counts an answer by `key` in `answers`, or among the requests that matched nothing when undefined. */
  count(answers: Map<K, number> | undefined, key: K): void;
  /** The answers to requests that matched nothing, by key. */
  unmatched(): Readonly<Record<string, number>>;
  /**
   * Takes the fault that hits a request to `name`, if any, and lets `act` count it and answer its mode. When
   * `act` answers nothing for a `delay`, the delay is waited out here: then undefined (handle the request
   * normally), or a reset when the stand-in closes first.
   */
  applyFault<A>(
    name: string | undefined,
    act: (fault: ActiveFault<S>) => A | undefined,
  ): Promise<A | { readonly kind: 'reset' } | undefined>;
  /** Forgets faults, messages and unmatched answers. */
  clear(): void;
  /** Cancels pending `delay` faults (their requests are reset). */
  close(): void;
}

/** Creates an {@link EngineCore}; `target` names the robot / bot / channel key of fault specs and messages. */
export function createEngineCore<S extends FaultBase, M extends { readonly id: number }, K>(
  target: string,
  random: () => number = Math.random,
): EngineCore<S, M, K> {
  const faults = createFaults<S>(random, target);
  let messages: M[] = [];
  let unmatched = new Map<K, number>();
  let nextId = 1;
  const closed = new AbortController();
  const targetOf = (m: M): unknown => (m as unknown as Record<string, unknown>)[target];
  return {
    faults,
    record(message) {
      const m = { id: nextId++, ...message } as unknown as M;
      appendCapped(messages, m);
      return m;
    },
    messages: (name) => (name === undefined ? messages : messages.filter((m) => targetOf(m) === name)),
    count(answers, key) {
      const map = answers ?? unmatched;
      map.set(key, (map.get(key) ?? 0) + 1);
    },
    unmatched: () => Object.fromEntries(unmatched) as Record<string, number>,
    async applyFault(name, act) {
      const fault = faults.take(name);
      if (fault === undefined) return undefined;
      const action = act(fault);
      if (action !== undefined || fault.mode !== 'delay') return action;
      // a closing stand-in drops the delayed request
      return (await waitFaultDelay(fault.delayMs ?? 5000, closed.signal)) ? undefined : { kind: 'reset' };
    },
    clear() {
      faults.clear();
      messages = [];
      unmatched = new Map();
    },
    close: () => closed.abort(),
  };
}

/** The per-robot state of the stand-ins, by the robot's secret key (token, key, path), in configured order. */
export interface Roster<St> {
  get(key: string): St | undefined;
  states(): IterableIterator<St>;
  /** Fresh states for every robot. */
  reset(): void;
}

/** A stand-in's rules for its configured robots / bots / channels. */
export interface RosterRules<T> {
  readonly name: (item: T) => string;
  /** The secret that addresses it (token, key, webhook path). */
  readonly key: (item: T) => string;
  /** What is wrong with one item on its own, if anything. */
  readonly invalid: (item: T) => string | undefined;
  /** The problem of an item whose name or key an earlier one has. */
  readonly duplicate: (item: T) => string;
  /** The stand-in's error for a problem. */
  readonly error: (problem: string) => Error;
}

/** Throws the error of the first item that is invalid or repeats an earlier name or key. */
function checkRoster<T>(items: readonly T[], rules: RosterRules<T>): void {
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const item of items) {
    const [name, key] = [rules.name(item), rules.key(item)];
    const problem =
      rules.invalid(item) ?? (names.has(name) || keys.has(key) ? rules.duplicate(item) : undefined);
    if (problem !== undefined) throw rules.error(problem);
    names.add(name);
    keys.add(key);
  }
}

/** Checks `items` by `rules` (see {@link checkRoster}) and creates their {@link Roster} of `fresh` states. */
export function createRoster<T, St>(
  items: readonly T[],
  rules: RosterRules<T>,
  fresh: (item: T) => St,
): Roster<St> {
  checkRoster(items, rules);
  const byKey = new Map<string, St>();
  const reset = (): void => {
    for (const item of items) byKey.set(rules.key(item), fresh(item));
  };
  reset();
  return { get: (key) => byKey.get(key), states: () => byKey.values(), reset };
}
