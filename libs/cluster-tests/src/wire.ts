import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** An API server (real or stand-in) reached with one bearer token. */
export interface WireTarget {
  readonly server: string;
  readonly token: string;
  /** CA bundle for https servers. */
  readonly ca?: Buffer;
}

/** One answer: status and body text. */
export interface WireAnswer {
  readonly status: number;
  readonly body: string;
}

function send(
  t: WireTarget,
  method: string,
  path: string,
  body: unknown,
  onLine?: (line: string) => void,
  abortMs?: number,
): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, t.server);
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method,
        ...(t.ca ? { ca: t.ca } : {}),
        headers: {
          authorization: `Bearer ${t.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        let partial = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (!onLine) return;
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) if (l.trim()) onLine(l);
        });
        const done = (): void => resolve({ status: res.statusCode ?? 0, body: text });
        res.on('end', done);
        res.on('close', done);
        res.on('error', () => done());
      },
    );
    req.on('error', reject);
    if (abortMs !== undefined) setTimeout(() => req.destroy(), abortMs).unref();
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A request; the answer whatever its status. */
export function wire(t: WireTarget, method: string, path: string, body?: unknown): Promise<WireAnswer> {
  return send(t, method, path, body);
}

/** The JSON lines of a WATCH (`path` with `watch=true`) until the server ends it or `maxMs` passes. */
export async function watchLines(
  t: WireTarget,
  path: string,
  maxMs: number,
): Promise<Array<Record<string, unknown>>> {
  const lines: Array<Record<string, unknown>> = [];
  await send(t, 'GET', path, undefined, (l) => lines.push(JSON.parse(l) as Record<string, unknown>), maxMs);
  return lines;
}
