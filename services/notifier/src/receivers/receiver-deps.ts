/** What receivers may be given besides their config (tests inject these; production uses defaults). */
export interface ReceiverDeps {
  readonly fetch?: typeof globalThis.fetch;
  readonly now?: () => number;
  /** Body limit (default from the config's `delivery.maxBodyBytes`, else 20,000 bytes). */
  readonly maxBodyBytes?: number;
}
