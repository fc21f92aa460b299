import { createHash } from 'node:crypto';

const SECRET_PARAMS = /([?&](?:key|access_token|secret)=)[^&#]*/gi;

/** Masks the robot `key` (and `access_token`/`secret`) query parameters so that a URL can be logged. */
export function maskUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***');
}

/** The `key` query parameter of a group-robot webhook, or undefined. */
export function robotKeyParam(webhook: string): string | undefined {
  try {
    return new URL(webhook).searchParams.get('key') || undefined;
  } catch {
    return undefined; // not a URL: no key
  }
}

/**
 * The identity of the robot behind a webhook, for the fleet-wide rate gate: a hash of its `key`
 * (every WeCom robot shares the path /cgi-bin/webhook/send, so only the key tells them apart). The key
 * itself never leaves this function; a webhook without a key is identified by its whole text.
 */
export function wecomRobotId(webhook: string): string {
  const key = robotKeyParam(webhook);
  const id = key === undefined ? `wecom-url:${webhook}` : `wecom-key:${key}`;
  return createHash('sha256').update(id).digest('hex').slice(0, 20);
}
