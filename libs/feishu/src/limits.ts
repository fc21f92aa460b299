/**
 * Feishu's custom-bot guide: "the request body must not exceed 20 KB". Read as 20,000 UTF-8 bytes of the
 * whole JSON (the stricter reading of "KB"; larger bodies have been reported accepted, up to ~150 KiB with
 * code 19036 beyond, but only 20 KB is documented).
 */
export const MAX_BODY_BYTES = 20_000;

/** Documented frequency limit of one custom bot: 100 requests per minute… */
export const FEISHU_RATE_LIMIT_PER_MIN = 100;

/** …and 5 per second (past either: code 11232). */
export const FEISHU_RATE_LIMIT_PER_SEC = 5;

/** A signed request's `timestamp` (seconds) must be within 1 hour of Feishu's clock, else 19021. */
export const SIGN_WINDOW_SECONDS = 60 * 60;

/**
 * UTF-8 byte length of the JSON serialization of `body`, exactly as the client sends it (signature
 * fields included when the caller passes the signed body). A string is taken as already-serialized JSON.
 */
export function bodyBytes(body: unknown): number {
  const json = typeof body === 'string' ? body : JSON.stringify(body);
  return Buffer.byteLength(json ?? '', 'utf8');
}
