import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KhError } from '@kube-herald/errors';
import { createLogger, type Logger } from '@kube-herald/logging';
import { createApiHandler } from './api-handler.js';
import { CONTROL_PREFIX, createControlHandler } from './control-api.js';
import { createControls, type FaultState, type KubeStandinControls } from './controls.js';
import { createEventControls } from './events.js';
import { sendJson } from './http-util.js';
import { renderKubeconfig } from './kubeconfig.js';
import { createObjectWriter } from './objects.js';
import { KubeApiError, statusObject } from './status.js';
import { createStore } from './store.js';
import { createWatchHub } from './watch-hub.js';
import { createWorkloads } from './workloads.js';

/** Options of {@link createKubeStandin}. */
export interface KubeStandinOptions {
  /** Bearer token clients must send (default: random). */
  readonly token?: string;
  /** Cluster and context name in the kubeconfig (default `standin`). */
  readonly clusterName?: string;
  /** Changes kept for watches/snapshots before older RVs answer 410 (default 10000). */
  readonly watchCacheSize?: number;
  /** Interval of BOOKMARK events on watches that ask for them (default 60000, as real servers). */
  readonly bookmarkIntervalMs?: number;
  /**
   * BOOKMARKs on Event watches as well (default false: a real API server keeps no watch cache for events
   * and sends none there; other resources — pods, leases, … — get them every `bookmarkIntervalMs`).
   */
  readonly eventBookmarks?: boolean;
  /**
   * Like a freshly (re)started API server before its RBAC authorizer synced: for this long after
   * {@link KubeStandin.start}, every API request answers 403 Forbidden and `/readyz` 500 (default 0: off).
   */
  readonly forbiddenAfterStartMs?: number;
  readonly log?: Logger;
  /** Clock for timestamps (tests pin it). */
  readonly now?: () => Date;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Like `--event-ttl`: events idle longer than this are DELETED by a background sweep (default: never). */
  readonly eventTtlMs?: number;
}

/** A running Kubernetes API stand-in plus its controls. */
export interface KubeStandin extends KubeStandinControls {
  readonly token: string;
  readonly clusterName: string;
  /** Listens (port 0 = any free port) and resolves with the base URL. */
  start(port?: number): Promise<{ url: string }>;
  /** The base URL; throws `KUBE_STANDIN_NOT_STARTED` before {@link start}. */
  url(): string;
  /** The kubeconfig text for the current URL. */
  kubeconfigYaml(): string;
  /** Writes the kubeconfig to `file` and returns the path. */
  writeKubeconfig(file: string): Promise<string>;
  /** Writes the kubeconfig into `dir` (default: a fresh temp dir removed on close) and returns its path. */
  kubeconfigPath(dir?: string): Promise<string>;
  /** Stops listening, destroys every connection, removes temp kubeconfigs. Idempotent. */
  close(): Promise<void>;
}

/** Creates a Kubernetes API stand-in speaking the real HTTP protocol (list/watch/410/bookmarks, owners, leases). */
export function createKubeStandin(options: KubeStandinOptions = {}): KubeStandin {
  const log = (options.log ?? createLogger({ name: 'kube-standin', level: 'silent' })).child({
    component: 'kube-standin',
  });
  const token = options.token ?? randomBytes(16).toString('hex');
  const clusterName = options.clusterName ?? 'standin';
  const now = options.now ?? (() => new Date());
  const store = createStore({ watchCacheSize: options.watchCacheSize ?? 10_000 });
  const writer = createObjectWriter(store, now);
  const hub = createWatchHub({
    store,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    eventBookmarks: options.eventBookmarks ?? false,
    log,
  });
  const faults: FaultState = {
    delayMs: 0,
    down: undefined,
    requestsTotal: 0,
    unauthorized: 0,
    requests: new Map(),
    forbidden: new Set(),
  };
  const controls = createControls({
    store,
    writer,
    hub,
    faults,
    events: createEventControls(store, writer, now),
    workloads: createWorkloads(writer),
  });
  const api = createApiHandler({ store, writer, hub, forbidden: faults.forbidden });
  const control = createControlHandler(controls);
  const tempDirs: string[] = [];
  let server: Server | undefined;
  let baseUrl: string | undefined;
  let closing: Promise<void> | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let startedAt = 0;
  const starting = (): boolean =>
    (options.forbiddenAfterStartMs ?? 0) > 0 && Date.now() - startedAt < (options.forbiddenAfterStartMs ?? 0);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin.invalid');
    if (url.pathname.startsWith(CONTROL_PREFIX)) return control(req, res, url);
    faults.requestsTotal++;
    faults.requests.set(url.pathname, (faults.requests.get(url.pathname) ?? 0) + 1);
    if (faults.down === 'reset') {
      req.socket.destroy();
      return;
    }
    if (faults.down === '503') {
      sendJson(
        res,
        503,
        statusObject(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
      );
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      faults.unauthorized++;
      sendJson(res, 401, statusObject(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    if (res.destroyed) return;
    if (url.pathname === '/version') {
      sendJson(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-standin', platform: 'linux/amd64' });
      return;
    }
    if (starting()) {
      if (url.pathname === '/readyz') {
        res
          .writeHead(500, { 'Content-Type': 'text/plain' })
          .end('[-]poststarthook/rbac/bootstrap-roles failed');
        return;
      }
      if (url.pathname !== '/healthz' && url.pathname !== '/livez') {
        sendJson(
          res,
          403,
          statusObject(
            403,
            'Forbidden',
            `forbidden: User "system:serviceaccount:kube-herald:collector" cannot get path "${url.pathname}"`,
          ),
        );
        return;
      }
    }
    if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    return api(req, res, url);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        log.warn({ err }, 'request failed after headers were sent');
        res.destroy();
        return;
      }
      if (err instanceof KubeApiError) {
        sendJson(res, err.status.code, err.status);
        return;
      }
      log.error({ err, url: req.url }, 'request failed');
      sendJson(res, 500, statusObject(500, 'InternalError', `Internal error occurred: ${String(err)}`));
    });
  }

  const url = (): string => {
    if (!baseUrl) throw new KhError('KUBE_STANDIN_NOT_STARTED', 'kube-standin is not started');
    return baseUrl;
  };
  const kubeconfigYaml = (): string => renderKubeconfig({ server: url(), token, clusterName });

  async function doClose(): Promise<void> {
    clearInterval(sweeper);
    const s = server;
    if (s) {
      hub.drop(false);
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeAllConnections();
      await closed;
    }
    await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    log.debug({}, 'kube-standin closed');
  }

  return {
    ...controls,
    token,
    clusterName,
    async start(port = 0) {
      if (server) throw new KhError('KUBE_STANDIN_STARTED', 'kube-standin is already started');
      const s = createServer(onRequest);
      server = s;
      const host = options.host ?? '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      s.on('error', (err) => log.error({ err }, 'kube-standin server error'));
      startedAt = Date.now();
      const addr = s.address() as AddressInfo;
      baseUrl = `http://${host}:${addr.port}`;
      const ttl = options.eventTtlMs;
      if (ttl !== undefined && ttl > 0) {
        sweeper = setInterval(() => controls.expireEvents(ttl), Math.min(Math.max(ttl / 4, 50), 60_000));
        sweeper.unref();
      }
      log.info({ url: baseUrl }, 'kube-standin listening');
      return { url: baseUrl };
    },
    url,
    kubeconfigYaml,
    async writeKubeconfig(file) {
      await writeFile(file, kubeconfigYaml(), { mode: 0o600 });
      return file;
    },
    async kubeconfigPath(dir) {
      let target = dir;
      if (target === undefined) {
        target = await mkdtemp(join(tmpdir(), 'kube-standin-'));
        tempDirs.push(target);
      }
      const file = join(target, 'kubeconfig');
      await writeFile(file, kubeconfigYaml(), { mode: 0o600 });
      return file;
    },
    close() {
      return (closing ??= doClose());
    },
  };
}
