/** What receivers may be given besides their config (tests inject these; production uses defaults). */
export interface ReceiverDeps {
  readonly fetch?: typeof globalThis.fetch;
  readonly now?: () => number;
  /** Body limit (default from the config's `delivery.maxBodyBytes`, else 20,000 bytes). */
  readonly maxBodyBytes?: number;
}

/** A platform client's options from a receiver: its timeout, and the fetch and clock tests inject. */
export function clientDeps(
  timeoutMs: number,
  deps: ReceiverDeps,
): { timeoutMs: number; fetch?: typeof globalThis.fetch; now?: () => number } {
  return { timeoutMs, ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.now ? { now: deps.now } : {}) };
}

/** The injected body limit, when there is one (`{ maxBodyBytes }`), for a client's or a render's options. */
export function bodyLimitOf(deps: ReceiverDeps): { maxBodyBytes?: number } {
  return deps.maxBodyBytes ? { maxBodyBytes: deps.maxBodyBytes } : {};
}
