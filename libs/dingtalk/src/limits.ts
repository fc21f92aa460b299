/** DingTalk rejects a request whose whole JSON body is larger than this (UTF-8 bytes): errcode 460101. */
export const MAX_BODY_BYTES = 20_000;

/** Messages a custom robot accepts per rolling minute before it answers 130101 / 410100. */
export const DINGTALK_RATE_LIMIT_PER_MIN = 20;

/** Window in which DingTalk accepts a signed request's timestamp (either side of its clock). */
export const SIGN_WINDOW_MS = 60 * 60 * 1000;

/**
 * UTF-8 byte length of the JSON serialization of `body`, exactly as the client sends it.
 * A string is taken as already-serialized JSON.
 */
export function bodyBytes(body: unknown): number {
  const json = typeof body === 'string' ? body : JSON.stringify(body);
  return Buffer.byteLength(json ?? '', 'utf8');
}
