import { HttpMethod, KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { KhError } from '@kube-herald/errors';

/** Where the Kubernetes credentials come from. */
export interface KubeConnection {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly inCluster?: boolean | undefined;
}

/** One line of a watch stream. */
export type WatchLine = (type: string, object: unknown) => void;

/** A running watch; `abort()` ends it (the `done` callback still fires once). */
export interface WatchHandle {
  abort(): void;
}

/** Raw-JSON access to the API server (objects are kept as sent, no typed deserialization). */
export interface KubeClient {
  /** One request; resolves with the status and parsed JSON body (undefined when empty/invalid). */
  request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<KubeResponse>;
  /** Opens a watch on `path` with `query`; `done` is called exactly once when it ends. */
  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onLine: WatchLine,
    done: (err: unknown) => void,
  ): Promise<WatchHandle>;
}

/** Status and JSON body of an API answer. */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Loads credentials: explicit kubeconfig file, in-cluster service account, or the default chain. */
export function loadKubeConfig(conn: KubeConnection): KubeConfig {
  const kc = new KubeConfig();
  if (conn.kubeconfig) kc.loadFromFile(conn.kubeconfig);
  else if (conn.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (conn.context) kc.setCurrentContext(conn.context);
  if (!kc.getCurrentCluster()) throw new KhError('kube_no_cluster', 'kubeconfig has no current cluster');
  return kc;
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

/** Builds a {@link KubeClient} over a loaded {@link KubeConfig}. */
export function createKubeClient(kc: KubeConfig, options: { requestTimeoutMs?: number } = {}): KubeClient {
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  const server = kc.getCurrentCluster()?.server ?? '';
  const watcher = new Watch(kc);
  return {
    async request(method, path, body) {
      const ctx = new RequestContext(server + path, HttpMethod[method]);
      await kc.applySecurityAuthentication(ctx);
      const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(server + path, {
        method,
        headers,
        dispatcher: ctx.getDispatcher(),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        parsed = undefined; // a non-JSON body (proxy error page) is reported through the status
      }
      return { status: res.status, body: parsed };
    },
    async watch(path, query, onLine, done) {
      // Our own watchdog (stallTimeout) decides about silence. client-node's inactivity timer (a private
      // 30 s default) would cut quiet watches before the API server's ~60 s bookmarks: make it a backstop.
      Object.assign(watcher, { requestTimeoutMs: Number(query.timeoutSeconds ?? 300) * 1000 + 60_000 });
      const controller = await watcher.watch(
        path,
        query,
        (type: string, obj: unknown) => onLine(type, obj),
        done,
      );
      return { abort: () => controller.abort() };
    },
  };
}
