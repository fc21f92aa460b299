import { writeFileSync } from 'node:fs';
import { KubeApiError, type KubeApi, type KubeEnv } from './kube-api.js';

/** A Kubernetes object as the chart renders it or a test writes it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly uid?: string;
    readonly resourceVersion?: string;
  };
  readonly [key: string]: unknown;
}

const PLURAL: Readonly<Record<string, string>> = {
  Namespace: 'namespaces',
  Node: 'nodes',
  ServiceAccount: 'serviceaccounts',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Pod: 'pods',
  ResourceQuota: 'resourcequotas',
  Event: 'events',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  Service: 'services',
  Lease: 'leases',
  PodDisruptionBudget: 'poddisruptionbudgets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  NetworkPolicy: 'networkpolicies',
};
const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding']);

/** The collection path of a kind (`namespace` ignored for cluster-scoped kinds). */
export function collectionPath(apiVersion: string, kind: string, namespace?: string): string {
  const plural = PLURAL[kind];
  if (!plural) throw new Error(`no path known for kind ${kind}`);
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = CLUSTER_SCOPED.has(kind) || !namespace ? '' : `/namespaces/${namespace}`;
  return `${base}${ns}/${plural}`;
}

/** The path of one object. */
export function objectPath(o: KubeObject): string {
  return `${collectionPath(o.apiVersion, o.kind, o.metadata.namespace)}/${o.metadata.name}`;
}

/** Creates `o` (409 AlreadyExists tolerated when `ignoreExisting`); returns the stored object. */
export async function create(api: KubeApi, o: KubeObject, ignoreExisting = false): Promise<KubeObject> {
  try {
    return await api.call<KubeObject>('POST', collectionPath(o.apiVersion, o.kind, o.metadata.namespace), o);
  } catch (err) {
    if (ignoreExisting && err instanceof KubeApiError && err.status === 409) {
      return api.call<KubeObject>('GET', objectPath(o));
    }
    throw err;
  }
}

/** Deletes `o` (404 tolerated); `foreground` waits for dependents by policy. */
export async function remove(api: KubeApi, o: KubeObject): Promise<void> {
  const res = await api.raw('DELETE', objectPath(o), { propagationPolicy: 'Background' });
  if (res.status !== 404 && (res.status < 200 || res.status > 299)) {
    throw new KubeApiError(`DELETE ${objectPath(o)}: HTTP ${res.status}`, res.status, res.body);
  }
}

/** A namespace object. */
export const namespace = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

/** A ServiceAccount token from the TokenRequest API (as a pod's projected token). */
export async function serviceAccountToken(
  api: KubeApi,
  ns: string,
  sa: string,
  seconds = 3600,
): Promise<string> {
  const res = await api.call<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: seconds } },
  );
  return res.status.token;
}

/** Writes a kubeconfig (mode 0600) for `token` on the control plane of `env`. */
export function writeKubeconfig(file: string, env: KubeEnv, token: string): string {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: test',
    `    cluster: { server: ${JSON.stringify(env.server)}, certificate-authority: ${JSON.stringify(env.caFile)} }`,
    'users:',
    '  - name: sa',
    `    user: { token: ${JSON.stringify(token)} }`,
    'contexts:',
    '  - name: test',
    '    context: { cluster: test, user: sa }',
    'current-context: test',
    '',
  ].join('\n');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** A fake Node run by kwok (scripts/kube.sh starts kwok for annotation kwok.x-k8s.io/node=fake). */
export function kwokNode(name: string, labels: Readonly<Record<string, string>> = {}): KubeObject {
  const capacity = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, type: 'kwok', ...labels },
    },
    spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] },
    status: { capacity, allocatable: capacity },
  };
}

/** A Deployment whose Pods tolerate kwok's taint and select Nodes labelled `nodeSelector`. */
export function deployment(
  ns: string,
  name: string,
  replicas: number,
  nodeSelector: Readonly<Record<string, string>>,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector,
          tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [{ name: 'app', image: 'example.invalid/app:1' }],
        },
      },
    },
  };
}
