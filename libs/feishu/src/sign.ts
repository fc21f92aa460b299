import { createHmac } from 'node:crypto';

/**
 * The signature Feishu expects: the string `${timestampSeconds}\n${secret}` is the HMAC-SHA256 KEY, the
 * message is empty, the digest is base64 (unlike DingTalk, where the secret is the key and the string the
 * message).
 */
export function computeSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** The signature fields of a request body: `timestamp` (seconds, as a string, as the docs show) and `sign`. */
export function signatureFields(secret: string, nowMs: number): { timestamp: string; sign: string } {
  const ts = Math.floor(nowMs / 1000);
  return { timestamp: String(ts), sign: computeSign(secret, ts) };
}

/** `body` with `timestamp` and `sign` put first (a `timestamp`/`sign` already present is replaced). */
export function signBody<T extends object>(
  body: T,
  secret: string,
  nowMs: number,
): T & { timestamp: string; sign: string } {
  const { timestamp: _t, sign: _s, ...rest } = body as T & { timestamp?: unknown; sign?: unknown };
  return { ...signatureFields(secret, nowMs), ...rest } as T & { timestamp: string; sign: string };
}
