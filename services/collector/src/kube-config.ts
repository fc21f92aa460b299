import { existsSync, readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { isIPv6 } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { parseYaml } from '@kube-herald/config';
import { KhError } from '@kube-herald/errors';
import { http, https } from '@kube-herald/process';

/** Where the Kubernetes credentials come from. */
export interface KubeConnection {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly inCluster?: boolean | undefined;
}

/** What a request to the API server needs: headers (credentials) and the agent (TLS, client cert). */
export type KubeRequestOptions = Pick<RequestOptions, 'headers' | 'agent' | 'auth'>;

/** The API server and how to authenticate to it. */
export interface KubeTarget {
  readonly server: string;
  /** `native` (read here) or `client-node` (exec plugins, auth providers, proxies, merged KUBECONFIG). */
  readonly loader: 'native' | 'client-node';
  /** Options for the next request; tokens from files are re-read at most once a minute. */
  prepare(): Promise<KubeRequestOptions>;
}

type Env = Readonly<Record<string, string | undefined>>;
type Doc = Record<string, unknown>;

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_FILE_TTL_MS = 60_000;

const obj = (v: unknown): Doc | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Doc) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const named = (list: unknown, name: string | undefined, key: string): Doc | undefined => {
  const entry = Array.isArray(list) ? list.map(obj).find((e) => e?.name === name) : undefined;
  return obj(entry?.[key]);
};

// Fields only @kubernetes/client-node knows how to serve: credential plugins, legacy auth providers,
// proxies and impersonation. A kubeconfig using any of them is loaded by client-node (imported only then).
const CLIENT_NODE_USER_FIELDS = ['exec', 'auth-provider', 'as', 'as-groups', 'as-uid', 'as-user-extra'];
const CLIENT_NODE_CLUSTER_FIELDS = ['proxy-url', 'disable-compression'];

function fileOrData(base: string, file: unknown, data: unknown): Buffer | undefined {
  const f = str(file);
  if (f) return readFileSync(isAbsolute(f) ? f : join(base, f));
  const d = str(data);
  return d ? Buffer.from(d, 'base64') : undefined;
}

function tokenReader(file: string): () => string {
  let token = '';
  let readAt = -Infinity;
  return () => {
    if (Date.now() - readAt >= TOKEN_FILE_TTL_MS) {
      token = readFileSync(file, 'utf8').trim();
      readAt = Date.now();
    }
    return token;
  };
}

interface NativeParts {
  readonly server: string;
  readonly ca?: Buffer | undefined;
  readonly cert?: Buffer | undefined;
  readonly key?: Buffer | undefined;
  readonly skipTlsVerify?: boolean;
  readonly servername?: string | undefined;
  readonly token?: (() => string) | undefined;
  readonly basic?: string | undefined;
}

function nativeTarget(p: NativeParts): KubeTarget {
  const tls = p.server.startsWith('https:');
  const agent = tls
    ? new https.Agent({
        keepAlive: true,
        ...(p.ca ? { ca: p.ca } : {}),
        ...(p.cert ? { cert: p.cert } : {}),
        ...(p.key ? { key: p.key } : {}),
        ...(p.skipTlsVerify ? { rejectUnauthorized: false } : {}),
        ...(p.servername ? { servername: p.servername } : {}),
      })
    : new http.Agent({ keepAlive: true });
  return {
    server: p.server.replace(/\/+$/, ''),
    loader: 'native',
    prepare() {
      const headers: Record<string, string> = {};
      const token = p.token?.();
      if (token) headers.authorization = `Bearer ${token}`;
      else if (p.basic) headers.authorization = `Basic ${Buffer.from(p.basic).toString('base64')}`;
      return Promise.resolve({ headers, agent });
    },
  };
}

/** The parts of a kubeconfig file when it needs nothing but server, TLS and a token/cert/basic user. */
function fromKubeconfigFile(file: string, context: string | undefined): NativeParts | undefined {
  const doc = obj(parseYaml(readFileSync(file, 'utf8'), file));
  if (!doc) throw new KhError('kube_bad_kubeconfig', `${file}: not a kubeconfig`);
  const ctxName = context ?? str(doc['current-context']);
  const ctx = named(doc.contexts, ctxName, 'context');
  if (!ctx) throw new KhError('kube_no_cluster', `${file}: context ${ctxName ?? '(none)'} not found`);
  const cluster = named(doc.clusters, str(ctx.cluster), 'cluster');
  const user = named(doc.users, str(ctx.user), 'user') ?? {};
  const server = str(cluster?.server);
  if (!cluster || !server) throw new KhError('kube_no_cluster', 'kubeconfig has no current cluster');
  if (CLIENT_NODE_USER_FIELDS.some((f) => f in user) || CLIENT_NODE_CLUSTER_FIELDS.some((f) => f in cluster))
    return undefined;
  const base = dirname(file);
  const tokenFile = str(user.tokenFile);
  const token = str(user.token);
  const username = str(user.username);
  return {
    server,
    ca: fileOrData(base, cluster['certificate-authority'], cluster['certificate-authority-data']),
    cert: fileOrData(base, user['client-certificate'], user['client-certificate-data']),
    key: fileOrData(base, user['client-key'], user['client-key-data']),
    skipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    servername: str(cluster['tls-server-name']),
    token: token
      ? () => token
      : tokenFile
        ? tokenReader(isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile))
        : undefined,
    basic: username ? `${username}:${str(user.password) ?? ''}` : undefined,
  };
}

/** The pod's service account: the API server from the environment, token re-read as it rotates. */
function fromCluster(env: Env, dir = SA_DIR): NativeParts {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new KhError('kube_no_cluster', 'not in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set');
  }
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  const h = isIPv6(host) ? `[${host}]` : host;
  return {
    server: `${scheme}://${h}:${port}`,
    ca: readFileSync(join(dir, 'ca.crt')),
    token: tokenReader(join(dir, 'token')),
  };
}

async function clientNodeTarget(conn: KubeConnection): Promise<KubeTarget> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  if (conn.kubeconfig) kc.loadFromFile(conn.kubeconfig);
  else if (conn.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (conn.context) kc.setCurrentContext(conn.context);
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new KhError('kube_no_cluster', 'kubeconfig has no current cluster');
  return {
    server: server.replace(/\/+$/, ''),
    loader: 'client-node',
    async prepare() {
      const opts: RequestOptions = {};
      await kc.applyToHTTPSOptions(opts);
      const headers = Object.fromEntries(
        Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      return { headers, agent: opts.agent, auth: opts.auth };
    },
  };
}

/**
 * Loads credentials: explicit kubeconfig file, in-cluster service account, or the default chain
 * (`KUBECONFIG`, `~/.kube/config`, the service account). Server, TLS, token, token file, client
 * certificate and basic auth are read here; anything else (exec plugins, auth providers, proxies,
 * impersonation, a merged `KUBECONFIG` list) is handed to @kubernetes/client-node, imported only then
 * (it costs ~35 MB of memory and ~1 s of start-up).
 */
export async function loadKubeConfig(
  conn: KubeConnection,
  env: Env = {},
  saDir = SA_DIR,
): Promise<KubeTarget> {
  const home = env.HOME;
  const defaultFile =
    home && existsSync(join(home, '.kube', 'config')) ? join(home, '.kube', 'config') : undefined;
  const file = conn.kubeconfig ?? (conn.inCluster ? undefined : (env.KUBECONFIG ?? defaultFile));
  if (file !== undefined) {
    if (file.includes(':')) return clientNodeTarget(conn); // a KUBECONFIG list is merged by client-node
    const parts = fromKubeconfigFile(file, conn.context);
    return parts ? nativeTarget(parts) : clientNodeTarget({ ...conn, kubeconfig: file });
  }
  if (conn.inCluster || existsSync(join(saDir, 'token'))) return nativeTarget(fromCluster(env, saDir));
  return clientNodeTarget(conn);
}
