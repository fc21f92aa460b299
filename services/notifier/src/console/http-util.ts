import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KhError } from '@kube-herald/errors';

/** Headers on every console answer: no caching, no framing, no referrer, scripts only from the console. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Sends text (the page, its script and style). */
export function sendText(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const BODY_LIMIT = 256 * 1024;

/** Reads a JSON object body (at most 256 KiB; `content-type: application/json` required). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new KhError('console_bad_request', 'content-type must be application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new KhError('console_bad_request', 'body larger than 256 KiB');
    chunks.push(chunk);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new KhError('console_bad_request', 'body is not JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new KhError('console_bad_request', 'body must be a JSON object');
  return doc as Record<string, unknown>;
}

/** host[:port] of an Origin header (http or https: the console may sit behind a TLS proxy). */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A console bound to loopback answers only requests addressed to a loopback name: a page of another site
 * whose name was re-pointed at 127.0.0.1 (DNS rebinding) gets nothing, not even the read-only views.
 */
export function hostRefused(req: IncomingMessage, loopbackOnly: boolean): boolean {
  if (!loopbackOnly) return false;
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return !LOOPBACK_NAMES.has(name.toLowerCase());
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time comparison of a presented token with the configured one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Why an action request is refused, or undefined. Actions need `Authorization: Bearer <admin token>`
 * (a header: a cross-site form or image cannot send it, and no cookie is ever set) and, when the browser
 * sends an Origin, the console's own origin.
 */
export function actionRefusal(req: IncomingMessage, token: string | undefined): [number, string] | undefined {
  if (token === undefined) return [403, 'actions are disabled: no admin token is configured'];
  const origin = req.headers.origin;
  if (origin !== undefined && originHost(origin) !== req.headers.host)
    return [403, `cross-origin request refused (${origin})`];
  const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!tokenMatches(auth, token)) return [401, 'admin token missing or wrong'];
  return undefined;
}

/** A string field of a body, trimmed; throws a bad request when required and missing. */
export function field(body: Record<string, unknown>, name: string, max = 1000): string {
  const v = body[name];
  if (typeof v !== 'string' || !v.trim()) throw new KhError('console_bad_request', `${name} is required`);
  if (v.length > max) throw new KhError('console_bad_request', `${name} is longer than ${max}`);
  return v.trim();
}
