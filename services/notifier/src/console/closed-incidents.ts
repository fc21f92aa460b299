import type { IncidentView } from './views.js';

/** Incidents that left the live state: their resolved notice went out, or they were pruned idle. */
export interface ClosedTracker {
  /** Takes the open incidents of a snapshot; returns the recently closed ones (newest first). */
  update(open: readonly IncidentView[], now: number): IncidentView[];
}

/**
 * Remembers, in this console's memory, the incidents seen open and gone since: at most `max` of them, for
 * `keepMs` (default 1 h). Shown as `resolved` with the time they left (`closedAtMs`).
 */
export function createClosedTracker(keepMs = 3_600_000, max = 1000): ClosedTracker {
  let last = new Map<string, IncidentView>();
  const closed = new Map<string, IncidentView>(); // insertion order: oldest first
  return {
    update(open, now) {
      const current = new Map(open.map((i) => [i.incidentKey, i]));
      for (const [key, inc] of last) {
        if (current.has(key)) continue;
        closed.delete(key);
        closed.set(key, { ...inc, state: 'resolved', growth: 0, pending: 0, closedAtMs: now });
      }
      for (const key of current.keys()) closed.delete(key); // open again
      for (const [key, inc] of closed) {
        if (closed.size <= max && (inc.closedAtMs ?? now) > now - keepMs) break;
        closed.delete(key);
      }
      last = current;
      return [...closed.values()].reverse();
    },
  };
}
