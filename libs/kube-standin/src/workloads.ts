import { createHash, randomBytes } from 'node:crypto';
import type { ObjectWriter } from './objects.js';
import type { KubeObject, OwnerReference } from './types.js';

/** Common options of the workload helpers. */
export interface WorkloadOptions {
  readonly name: string;
  readonly namespace?: string;
  /** Labels on the workload and its pod template (default `{ app: name }`). */
  readonly labels?: Record<string, string>;
  /** Node the pods run on (default `node-1`). */
  readonly nodeName?: string;
  readonly image?: string;
  /** Container name (default: the workload's name; pods of a workload keep the workload's). */
  readonly container?: string;
}

/** What {@link Workloads.deployment} created. */
export interface DeploymentObjects {
  readonly deployment: KubeObject;
  readonly replicaSet: KubeObject;
  readonly pods: KubeObject[];
}

/** What {@link Workloads.cronJob} created. */
export interface CronJobObjects {
  readonly cronJob: KubeObject;
  readonly job: KubeObject;
  readonly pods: KubeObject[];
}

/** Helpers that create realistic owner chains in one call. */
export interface Workloads {
  node(name: string, labels?: Record<string, string>): KubeObject;
  /** A standalone pod, or one owned by `owner`. */
  pod(
    options: WorkloadOptions & { readonly owner?: KubeObject; readonly extraLabels?: Record<string, string> },
  ): KubeObject;
  /** Deployment → ReplicaSet `<name>-<hash>` → `replicas` Pods `<rs>-<5 chars>`. */
  deployment(options: WorkloadOptions & { readonly replicas?: number }): DeploymentObjects;
  /** StatefulSet → Pods `<name>-0..n-1`. */
  statefulSet(options: WorkloadOptions & { readonly replicas?: number }): {
    statefulSet: KubeObject;
    pods: KubeObject[];
  };
  /** DaemonSet → one Pod per node name (default `['node-1']`). */
  daemonSet(options: WorkloadOptions & { readonly nodes?: readonly string[] }): {
    daemonSet: KubeObject;
    pods: KubeObject[];
  };
  /** Job → one Pod. */
  job(options: WorkloadOptions & { readonly owner?: KubeObject }): { job: KubeObject; pods: KubeObject[] };
  /** CronJob → Job `<name>-<n>` → one Pod. */
  cronJob(options: WorkloadOptions & { readonly schedule?: string }): CronJobObjects;
}

const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(n: number): string {
  return [...randomBytes(n)].map((b) => SUFFIX_CHARS[b % SUFFIX_CHARS.length]).join('');
}

function ownerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? 'v1',
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Creates the workload helpers over an {@link ObjectWriter}. */
export function createWorkloads(writer: ObjectWriter): Workloads {
  const labelsOf = (o: WorkloadOptions): Record<string, string> => o.labels ?? { app: o.name };
  const template = (o: WorkloadOptions, extra: Record<string, string> = {}) => ({
    metadata: { labels: { ...labelsOf(o), ...extra } },
    spec: {
      containers: [
        {
          name: o.container ?? o.name,
          image: o.image ?? `registry.example.com/${o.container ?? o.name}:1.0`,
        },
      ],
    },
  });
  const selector = (o: WorkloadOptions) => ({ matchLabels: labelsOf(o) });
  // An owned object keeps its owner's labels and container name, only its name changes.
  const child = <T extends WorkloadOptions>(o: T, name: string): T => ({
    ...o,
    name,
    labels: labelsOf(o),
    container: o.container ?? o.name,
  });

  const pod: Workloads['pod'] = (o) =>
    writer.put('pods', {
      metadata: {
        name: o.name,
        namespace: o.namespace ?? 'default',
        labels: { ...labelsOf(o), ...o.extraLabels },
        ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}),
      },
      spec: { ...template(o).spec, nodeName: o.nodeName ?? 'node-1' },
      status: { phase: 'Running' },
    });

  const job: Workloads['job'] = (o) => {
    const jobObj = writer.put('jobs', {
      metadata: {
        name: o.name,
        namespace: o.namespace ?? 'default',
        labels: labelsOf(o),
        ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}),
      },
      spec: { backoffLimit: 6, template: template(o, { 'job-name': o.name }) },
      status: { active: 1 },
    });
    const p = pod({
      ...child(o, `${o.name}-${suffix(5)}`),
      owner: jobObj,
      extraLabels: { 'job-name': o.name },
    });
    return { job: jobObj, pods: [p] };
  };

  return {
    node: (name, labels = {}) =>
      writer.put('nodes', {
        metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
        spec: {},
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      }),
    pod,
    deployment(o) {
      const replicas = o.replicas ?? 1;
      const ns = o.namespace ?? 'default';
      const deployment = writer.put('deployments', {
        metadata: { name: o.name, namespace: ns, labels: labelsOf(o), generation: 1 },
        spec: { replicas, selector: selector(o), template: template(o) },
        status: { replicas, readyReplicas: replicas },
      });
      const hash = createHash('sha256').update(`${ns}/${o.name}`).digest('hex').slice(0, 10);
      const rsLabels = { 'pod-template-hash': hash };
      const replicaSet = writer.put('replicasets', {
        metadata: {
          name: `${o.name}-${hash}`,
          namespace: ns,
          labels: { ...labelsOf(o), ...rsLabels },
          ownerReferences: [ownerRef(deployment)],
        },
        spec: {
          replicas,
          selector: { matchLabels: { ...labelsOf(o), ...rsLabels } },
          template: template(o, rsLabels),
        },
        status: { replicas },
      });
      const pods = Array.from({ length: replicas }, () =>
        pod({ ...child(o, `${o.name}-${hash}-${suffix(5)}`), owner: replicaSet, extraLabels: rsLabels }),
      );
      return { deployment, replicaSet, pods };
    },
    statefulSet(o) {
      const replicas = o.replicas ?? 1;
      const statefulSet = writer.put('statefulsets', {
        metadata: { name: o.name, namespace: o.namespace ?? 'default', labels: labelsOf(o) },
        spec: { replicas, serviceName: o.name, selector: selector(o), template: template(o) },
        status: { replicas },
      });
      const pods = Array.from({ length: replicas }, (_, i) =>
        pod({
          ...child(o, `${o.name}-${i}`),
          owner: statefulSet,
          extraLabels: { 'apps.kubernetes.io/pod-index': String(i) },
        }),
      );
      return { statefulSet, pods };
    },
    daemonSet(o) {
      const daemonSet = writer.put('daemonsets', {
        metadata: { name: o.name, namespace: o.namespace ?? 'default', labels: labelsOf(o) },
        spec: { selector: selector(o), template: template(o) },
        status: {},
      });
      const nodes = o.nodes ?? ['node-1'];
      const pods = nodes.map((nodeName) =>
        pod({ ...child(o, `${o.name}-${suffix(5)}`), nodeName, owner: daemonSet }),
      );
      return { daemonSet, pods };
    },
    job,
    cronJob(o) {
      const cronJob = writer.put('cronjobs', {
        metadata: { name: o.name, namespace: o.namespace ?? 'default', labels: labelsOf(o) },
        spec: { schedule: o.schedule ?? '*/5 * * * *', jobTemplate: { spec: { template: template(o) } } },
        status: {},
      });
      const created = job({ ...child(o, `${o.name}-${Math.floor(Date.now() / 60000)}`), owner: cronJob });
      return { cronJob, job: created.job, pods: created.pods };
    },
  };
}
