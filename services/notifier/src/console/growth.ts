/** Per-incident count samples: how much an incident grew over the last window. */
export interface GrowthTracker {
  /**
   * Records the count seen now; returns the growth since about `windowMs` ago. An incident that began inside
   * the window (`firstSeenMs`) grew by all of its count; an older one first seen by the console starts at 0.
   */
  observe(incidentKey: string, count: number, now: number, firstSeenMs?: number): number;
  /** Forgets incidents no longer open (the samples follow live incidents only). */
  retain(keys: ReadonlySet<string>): void;
}

/** Creates a tracker keeping samples for `windowMs` (plus the one just before it). */
export function createGrowthTracker(windowMs: number): GrowthTracker {
  const samples = new Map<string, [number, number][]>();
  return {
    observe(key, count, now, firstSeenMs) {
      let list = samples.get(key);
      if (!list) {
        list = firstSeenMs !== undefined && firstSeenMs > now - windowMs ? [[firstSeenMs, 0]] : [];
      }
      list.push([now, count]);
      // keep the latest sample at or before the window start as the baseline, drop older ones
      while (list.length > 2 && (list[1]?.[0] ?? now) <= now - windowMs) list.shift();
      samples.set(key, list);
      return Math.max(0, count - (list[0]?.[1] ?? count));
    },
    retain(keys) {
      for (const k of samples.keys()) if (!keys.has(k)) samples.delete(k);
    },
  };
}
