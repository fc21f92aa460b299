/** A `receiver` reference found in a raw (unvalidated) route document, with its config path. */
export interface ReceiverReference {
  readonly path: string;
  readonly receiver: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Lists every `receiver` named in a route document, walking it defensively (it may be invalid: the
 * cross-checks run even when the schema failed, so that every problem is reported at once).
 */
export function routeReceivers(route: unknown, path = 'route'): ReceiverReference[] {
  if (!isRecord(route)) return [];
  const out: ReceiverReference[] = [];
  if (typeof route.receiver === 'string') out.push({ path: `${path}.receiver`, receiver: route.receiver });
  if (Array.isArray(route.routes)) {
    route.routes.forEach((child, i) => out.push(...routeReceivers(child, `${path}.routes.${i}`)));
  }
  return out;
}
