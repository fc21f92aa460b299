/** Most messages a stand-in keeps for its page, its control API and tests; the oldest go first. */
export const MESSAGE_LOG_MAX = 10_000;

/** Appends to a stand-in's message log, dropping the oldest past `max`; returns how many were dropped. */
export function appendCapped<T>(log: T[], item: T, max = MESSAGE_LOG_MAX): number {
  log.push(item);
  const over = log.length - max;
  if (over <= 0) return 0;
  log.splice(0, over);
  return over;
}
