import { createIdTable, parseHexId } from './id-table.js';

/** A bounded map that forgets the least recently used entry first; entries may expire after `ttlMs`. */
export interface Lru<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  set(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
}

/** Creates an {@link Lru} with at most `capacity` entries (Map insertion order is the recency order). */
export function createLru<V>(capacity: number, ttlMs = Infinity, now: () => number = Date.now): Lru<V> {
  const map = new Map<string, { value: V; expires: number }>();
  const get = (key: string): V | undefined => {
    const e = map.get(key);
    if (!e) return undefined;
    map.delete(key);
    if (e.expires <= now()) return undefined;
    map.set(key, e);
    return e.value;
  };
  return {
    get,
    has: (key) => get(key) !== undefined,
    set(key, value) {
      map.delete(key);
      map.set(key, { value, expires: ttlMs === Infinity ? Infinity : now() + ttlMs });
      if (map.size > capacity) {
        const oldest = map.keys().next();
        if (!oldest.done) map.delete(oldest.value);
      }
    },
    delete: (key) => void map.delete(key),
    get size() {
      return map.size;
    },
  };
}

/** A bounded set of keys that forgets the least recently seen first (for dedup of occurrenceIds). */
export interface SeenSet {
  /** True when `key` is present (and refreshes it). */
  has(key: string): boolean;
  add(key: string): void;
  readonly size: number;
}

/** A bounded set of strings that forgets the least recently seen first. */
function boundedSet(capacity: number): SeenSet {
  const set = new Set<string>();
  return {
    has(key) {
      if (!set.has(key)) return false;
      set.delete(key);
      set.add(key);
      return true;
    },
    add(key) {
      set.add(key);
      if (set.size > capacity) set.delete(set.values().next().value as string);
    },
    get size() {
      return set.size;
    },
  };
}

/**
 * Creates a {@link SeenSet}. An occurrenceId (32 lowercase hex characters) is kept as its 128 bits in an
 * {@link IdTable} outside the JavaScript heap, so the default 200,000 of them cost ~7 MB of typed arrays
 * and no garbage-collection work; other keys are kept as they are, in a set of their own, so that no two
 * keys can meet.
 */
export function createSeenSet(capacity: number): SeenSet {
  const ids = createIdTable(capacity);
  const others = boundedSet(capacity);
  const words = new Uint32Array(4);
  return {
    has: (key) => (parseHexId(key, words) ? ids.has(words) : others.has(key)),
    add(key) {
      if (parseHexId(key, words)) ids.add(words);
      else others.add(key);
    },
    get size() {
      return ids.size + others.size;
    },
  };
}

/** A token bucket: `rate` tokens per second, bursts up to `burst`. */
export interface TokenBucket {
  tryTake(): boolean;
  /** Tokens available now (refilled), without taking one. */
  available(): number;
}

/** Creates a {@link TokenBucket} (full at start). */
export function createTokenBucket(
  rate: number,
  burst = Math.max(1, rate),
  now: () => number = Date.now,
): TokenBucket {
  let tokens = burst;
  let last = now();
  const refill = (): number => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * rate);
    last = t;
    return tokens;
  };
  return {
    tryTake() {
      if (refill() < 1) return false;
      tokens -= 1;
      return true;
    },
    available: refill,
  };
}
