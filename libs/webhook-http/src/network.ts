/**
 * Network errors raised before the request could reach the remote (no connection, no TLS session):
 * retrying them cannot deliver a message twice. Any other network error may have come after the
 * request was written, so its outcome is unknown.
 */
export const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

/** True when a network error with this code happened before the request was written (safe to retry). */
export function isNeverSent(code: string): boolean {
  return NEVER_SENT_CODES.has(code);
}

// Only code-shaped strings are reported: an error's other fields (message, input) may carry the URL.
const CODE_SHAPE = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * The system code of a fetch failure (`ECONNRESET`, `UND_ERR_SOCKET`, …), looked up along the
 * `cause` chain (fetch wraps it in a `TypeError: fetch failed`); `fetch_failed` when there is none.
 */
export function networkCode(err: unknown): string {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    const code = (cur as Error & { code?: unknown }).code;
    if (typeof code === 'string' && CODE_SHAPE.test(code)) return code;
    cur = cur.cause;
  }
  return 'fetch_failed';
}
