import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from './status.js';

const MAX_BODY = 3 * 1024 * 1024;

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads and parses a JSON request body (empty body → `undefined`); 400 on bad JSON or > 3 MiB. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw badRequest('request body too large');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`invalid JSON body: ${(err as Error).message}`);
  }
}

/** `true`/`1` → true, anything else → false. */
export function boolParam(value: string | null): boolean {
  return value === 'true' || value === '1';
}

/** A non-negative integer query parameter; 400 when malformed. */
export function intParam(name: string, value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`invalid ${name}: "${value}"`);
  return Number(value);
}
