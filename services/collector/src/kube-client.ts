import type { IncomingMessage } from 'node:http';
import { KhError } from '@kube-herald/errors';
import { http, https } from '@kube-herald/process';
import type { KubeTarget } from './kube-config.js';

export { loadKubeConfig, type KubeConnection, type KubeTarget } from './kube-config.js';

/** One line of a watch stream. */
export type WatchLine = (type: string, object: unknown) => void;

/**
 * A running watch; `abort()` ends it (the `done` callback still fires once). `pause()` (callable from inside
 * `onLine`) stops delivering lines and reading the connection without closing it: lines already received
 * are held, in order; `resume()` delivers them first, then reads on. A watch may still end while paused.
 */
export interface WatchHandle {
  abort(): void;
  pause(): void;
  resume(): void;
}

/** Raw-JSON access to the API server (objects are kept as sent, no typed deserialization). */
export interface KubeClient {
  /** One request; resolves with the status and parsed JSON body (undefined when empty/invalid). */
  request(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    options?: { readonly timeoutMs?: number; readonly accept?: string },
  ): Promise<KubeResponse>;
  /** Opens a watch on `path` with `query`; `done` is called exactly once when it ends. */
  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onLine: WatchLine,
    done: (err: unknown) => void,
    options?: { readonly accept?: string },
  ): Promise<WatchHandle>;
}

/** Status and JSON body of an API answer. */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

/** An API error with the HTTP status in `details.status`; code `kube_http_<status>`. */
export function kubeHttpError(status: number, what: string, body: unknown): KhError {
  const message =
    typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : '';
  return new KhError(`kube_http_${status}`, `${what}: HTTP ${status} ${message}`.trim(), {
    details: { status },
    verdict: status === 429 || status >= 500 ? 'retry' : 'permanent',
  });
}

const NEWLINE = 0x0a;
const KEEPALIVE_MS = 30_000;

/** Calls `onLine` with each complete line of `res` (a line may span chunks; only its own bytes are joined). */
function splitLines(res: IncomingMessage, onLine: (line: string) => void): void {
  let pending: Buffer[] = [];
  res.on('data', (chunk: Buffer) => {
    let start = 0;
    let nl = chunk.indexOf(NEWLINE);
    if (nl !== -1 && pending.length > 0) {
      pending.push(chunk.subarray(0, nl));
      const line = Buffer.concat(pending).toString('utf8');
      pending = [];
      if (line) onLine(line);
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    for (; nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (res.destroyed) return;
      if (nl > start) onLine(chunk.toString('utf8', start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(start === 0 ? chunk : chunk.subarray(start));
  });
}

/** Hands one watch line to `onLine`; an unparsable line or a throwing handler ends the watch instead. */
function deliverLine(line: string, path: string, onLine: WatchLine, end: (err: unknown) => void): void {
  let parsed: { type?: unknown; object?: unknown };
  try {
    parsed = JSON.parse(line) as { type?: unknown; object?: unknown };
  } catch (err) {
    // Not skipped: the watch ends and resumes from the last resourceVersion before this line.
    return end(new KhError('kube_watch_bad_line', `WATCH ${path}: unparsable line`, { cause: err }));
  }
  try {
    onLine(typeof parsed.type === 'string' ? parsed.type : '', parsed.object);
  } catch (err) {
    end(err);
  }
}

async function readBody(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined; // a non-JSON body (proxy error page) is reported through the status
  }
}

/**
 * Builds a {@link KubeClient} over node:http(s): requests and watches share the target's keep-alive agent;
 * a watch stream is split into lines and parsed as it arrives (no web-stream or readline layers).
 */
export function createKubeClient(
  target: KubeTarget,
  options: { requestTimeoutMs?: number } = {},
): KubeClient {
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  const send = target.server.startsWith('https:') ? https.request : http.request;
  const open = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal,
    body?: string,
  ): Promise<IncomingMessage> => {
    const auth = await target.prepare();
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(target.server + path, {
        method,
        agent: auth.agent,
        ...(auth.auth ? { auth: auth.auth } : {}),
        headers: { ...(auth.headers as Record<string, string>), ...headers },
        signal,
      });
      // TCP keep-alive probes: a peer that vanished (node gone, NAT entry dropped) ends a silent watch.
      req.once('socket', (socket) => socket.setKeepAlive(true, KEEPALIVE_MS));
      req.once('response', resolve);
      req.on('error', reject); // `on`: an abort after the response errors the request again
      req.end(body);
    });
  };
  return {
    async request(method, path, body, reqOptions) {
      const headers: Record<string, string> = { accept: reqOptions?.accept ?? 'application/json' };
      const text = body === undefined ? undefined : JSON.stringify(body);
      if (text !== undefined) headers['content-type'] = 'application/json';
      const signal = AbortSignal.timeout(reqOptions?.timeoutMs ?? timeoutMs);
      const res = await open(method, path, headers, signal, text);
      return { status: res.statusCode ?? 0, body: await readBody(res) };
    },
    async watch(path, query, onLine, done, watchOptions) {
      const controller = new AbortController();
      let ended = false;
      let res: IncomingMessage | undefined;
      // While paused the socket is not read (TCP backpressure on the server); the lines of the chunk being
      // split when pause() was called wait in `held` (raw, parsed when delivered) and go first on resume().
      let paused = false;
      let held: string[] = [];
      let heldAt = 0;
      // Before the answer the request is aborted; after it, only an unfinished response is destroyed:
      // aborting a finished request would destroy the keep-alive socket it already gave back to the agent.
      const end = (err: unknown): void => {
        if (ended) return;
        ended = true;
        held = [];
        clearTimeout(idle);
        if (!res) controller.abort();
        else if (!res.complete) res.destroy();
        done(err);
      };
      // Our own watchdog (stallTimeout) decides about silence; this inactivity limit is only a backstop
      // past the API server's own timeoutSeconds (paused time counts too: it bounds an endless pause).
      const idleMs = Number(query.timeoutSeconds ?? 300) * 1000 + 60_000;
      // Not refreshed per line (a timer operation per event): a line notes its time, the timer re-arms.
      let lastData = Date.now();
      const onIdle = (): void => {
        const left = lastData + idleMs - Date.now();
        if (left > 0) idle = setTimeout(onIdle, left);
        else end(new KhError('kube_watch_idle', `WATCH ${path}: no data`));
      };
      let idle = setTimeout(onIdle, idleMs);
      const q = new URLSearchParams({ ...query, watch: 'true' });
      try {
        const r = await open(
          'GET',
          `${path}?${q.toString()}`,
          { accept: watchOptions?.accept ?? 'application/json' },
          controller.signal,
        );
        res = r;
        if (ended)
          r.destroy(); // aborted while the answer was on its way
        else if (r.statusCode !== 200) {
          end(kubeHttpError(r.statusCode ?? 0, `WATCH ${path}`, await readBody(r)));
        } else {
          r.on('error', end);
          r.once('end', () => end(undefined));
          r.once('close', () => end(undefined));
          splitLines(r, (line) => {
            if (ended) return;
            if (paused) {
              held.push(line);
              return;
            }
            lastData = Date.now();
            deliverLine(line, path, onLine, end);
          });
          if (paused) r.pause(); // paused while the answer was on its way
        }
      } catch (err) {
        end(err);
      }
      return {
        abort: () => end(undefined),
        pause() {
          if (paused || ended) return;
          paused = true;
          res?.pause();
        },
        resume() {
          if (!paused || ended) return;
          paused = false;
          lastData = Date.now();
          // A line delivered here may pause again: the rest stays held, in order.
          while (!paused && !ended && heldAt < held.length) {
            const line = held[heldAt++] as string;
            deliverLine(line, path, onLine, end);
          }
          if (heldAt >= held.length) {
            held = [];
            heldAt = 0;
          }
          if (!paused && !ended) res?.resume();
        },
      };
    },
  };
}
