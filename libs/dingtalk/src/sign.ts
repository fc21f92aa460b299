import { createHmac } from 'node:crypto';
import { DingtalkError } from './errors.js';

/**
 * The signature DingTalk expects, before URL-encoding:
 * base64(HmacSHA256(key = secret, data = `${timestampMs}\n${secret}`)).
 */
export function computeSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/**
 * Returns `webhook` with `&timestamp=<nowMs>&sign=<urlencoded signature>` appended. A `timestamp` or
 * `sign` already present is replaced (reusing a signed URL would otherwise stack stale parameters).
 * @throws DingtalkError `dingtalk_invalid_webhook` when `webhook` is not an absolute URL.
 */
export function signUrl(webhook: string, secret: string, nowMs: number): string {
  let url: URL;
  try {
    url = new URL(webhook);
  } catch (err) {
    // The URL holds the access token: the message must not repeat it.
    throw new DingtalkError('dingtalk_invalid_webhook', 'webhook is not an absolute URL', { cause: err });
  }
  const ts = Math.trunc(nowMs);
  let base = webhook;
  if (url.searchParams.has('timestamp') || url.searchParams.has('sign')) {
    url.searchParams.delete('timestamp');
    url.searchParams.delete('sign');
    base = url.toString();
  }
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}timestamp=${ts}&sign=${encodeURIComponent(computeSign(secret, ts))}`;
}
