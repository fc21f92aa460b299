import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

const HINT = 'run `bash scripts/kube.sh start && source .run/kube.env` first (npm test does both)';

/** Thrown when a test needs the control plane and the environment does not name it. */
export class KubeEnvError extends Error {
  readonly code = 'KUBE_ENV_MISSING';
}

/** Thrown for an API answer outside 2xx; `status` is the HTTP status, `body` the answer. */
export class KubeApiError extends Error {
  readonly code = 'KUBE_API_ERROR';
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
  }
}

/** The control plane of scripts/kube.sh, from .run/kube.env (`KH_KUBE_*`). */
export interface KubeEnv {
  readonly server: string;
  readonly caFile: string;
  readonly adminToken: string;
  readonly adminKubeconfig: string;
  readonly etcd: string;
}

/** The control plane's addresses; throws {@link KubeEnvError} when unset (a test never skips). */
export function kubeEnv(): KubeEnv {
  const get = (name: string): string => {
    const v = process.env[name]?.trim();
    if (!v) throw new KubeEnvError(`${name} is not set: ${HINT}`);
    return v;
  };
  return {
    server: get('KH_KUBE_SERVER'),
    caFile: get('KH_KUBE_CA'),
    adminToken: get('KH_KUBE_TOKEN'),
    adminKubeconfig: get('KH_KUBE_KUBECONFIG'),
    etcd: get('KH_KUBE_ETCD'),
  };
}

/** An answer of the API server. */
export interface KubeAnswer {
  readonly status: number;
  readonly body: string;
  json<T = Record<string, unknown>>(): T;
}

/** A minimal HTTPS client of the API server with one bearer token. */
export interface KubeApi {
  readonly server: string;
  /** Any answer (no throw on 4xx/5xx). */
  raw(method: string, path: string, body?: unknown): Promise<KubeAnswer>;
  /** 2xx or throws {@link KubeApiError}. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** As another bearer token. */
  as(token: string): KubeApi;
}

/** A client of the API server of `env` with `token` (the admin token by default). */
export function kubeApi(env: KubeEnv = kubeEnv(), token = env.adminToken): KubeApi {
  const agent = new Agent({ ca: readFileSync(env.caFile), keepAlive: false });
  const raw = (method: string, path: string, body?: unknown): Promise<KubeAnswer> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${env.server}${path}`,
        {
          method,
          agent,
          timeout: 30_000,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(data
              ? {
                  'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
                }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              body: text,
              json: <T>() => JSON.parse(text) as T,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(data);
    });
  const api: KubeApi = {
    server: env.server,
    raw,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await raw(method, path, body);
      if (res.status < 200 || res.status > 299) {
        throw new KubeApiError(
          `${method} ${path}: HTTP ${res.status} ${res.body.slice(0, 500)}`,
          res.status,
          res.body,
        );
      }
      return res.json<T>();
    },
    as: (other: string) => kubeApi(env, other),
  };
  return api;
}
