import type { IncomingMessage, ServerResponse } from 'node:http';

/** Writes a JSON response. */
export type JsonSender = (res: ServerResponse, status: number, value: unknown) => void;

/** A {@link JsonSender} that labels its bodies with `contentType`. */
export function jsonSender(contentType: string): JsonSender {
  return (res, status, value) => {
    const body = JSON.stringify(value);
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(body);
  };
}

/** Writes a JSON response (`application/json;charset=utf-8`). */
export const sendJson: JsonSender = jsonSender('application/json;charset=utf-8');

/** Answers like a gateway in front of the platform that lost its upstream: 502 with an HTML page. */
export function sendBadGateway(res: ServerResponse): void {
  res.writeHead(502, { 'content-type': 'text/html' });
  res.end('<html><body>502 Bad Gateway</body></html>');
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
