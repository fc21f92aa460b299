import type { IncomingMessage, ServerResponse } from 'node:http';

/** Writes a JSON response (control API). */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Reads a request body; past `cap` bytes it keeps draining but returns only `cap + 1` bytes. */
export function readBody(req: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size <= cap) chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      const all = Buffer.concat(chunks);
      resolve(all.length > cap + 1 ? all.subarray(0, cap + 1) : all);
    });
    req.on('error', reject);
  });
}
