import type { KubeObject, KubeStandinControls } from '@kube-herald/kube-standin';
import type { Scenario, ScenarioDeployment, ScenarioEvent, ScenarioTarget } from './scenario-schema.js';

/** What the player needs of a simulated cluster (a kube-standin's controls). */
export type ScenarioControls = Pick<
  KubeStandinControls,
  'createEvent' | 'bumpEvent' | 'putObject' | 'getObject' | 'workloads'
>;

/** A Deployment as created: the Deployment, its ReplicaSet and its Pods. */
export interface CreatedDeployment {
  readonly deployment: KubeObject;
  readonly replicaSet: KubeObject;
  readonly pods: KubeObject[];
}

/** The objects of one simulated cluster, by name, for resolving step targets. */
export interface ClusterWorld {
  readonly id: string;
  readonly controls: ScenarioControls;
  readonly nodes: string[];
  readonly deployments: Map<string, CreatedDeployment>;
}

// Components that run on the node and report it as `source.host` (kubelet, node-problem-detector monitors).
const NODE_AGENTS = new Set(['kubelet', 'kernel-monitor', 'systemd-monitor', 'docker-monitor', 'kube-proxy']);

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Spec fields of a pod the messages use. */
export function podFacts(pod: KubeObject): { node: string; container: string; image: string } {
  const spec = (pod.spec ?? {}) as { nodeName?: unknown; containers?: { name?: unknown; image?: unknown }[] };
  const c = spec.containers?.[0];
  return { node: str(spec.nodeName), container: str(c?.name), image: str(c?.image) };
}

function createDeployment(world: ClusterWorld, d: ScenarioDeployment): CreatedDeployment {
  const nodes = d.nodes ?? world.nodes.slice(0, 1);
  const created = world.controls.workloads.deployment({
    name: d.name,
    namespace: d.namespace,
    replicas: d.replicas,
    nodeName: nodes[0] ?? 'node-1',
    ...(d.image ? { image: d.image } : {}),
    ...(d.container ? { container: d.container } : {}),
    ...(d.labels ? { labels: d.labels } : {}),
  });
  // Spread the pods over the nodes, as a scheduler would.
  const pods = created.pods.map((pod, i) => {
    const node = nodes[i % nodes.length] ?? 'node-1';
    if (node === podFacts(pod).node) return pod;
    return world.controls.putObject('pods', { ...pod, spec: { ...(pod.spec as object), nodeName: node } });
  });
  return { deployment: created.deployment, replicaSet: created.replicaSet, pods };
}

/** Creates every cluster's nodes and Deployments (ReplicaSets, Pods) before the first step. */
export function createWorlds(scenario: Scenario, clusters: ReadonlyMap<string, ScenarioControls>) {
  const worlds = new Map<string, ClusterWorld>();
  for (const c of scenario.clusters) {
    const controls = clusters.get(c.id);
    if (!controls) throw new Error(`no simulated cluster for "${c.id}"`);
    worlds.set(c.id, { id: c.id, controls, nodes: [], deployments: new Map() });
  }
  for (const o of scenario.objects) {
    const world = worlds.get(o.cluster);
    if (!world) continue;
    for (const n of o.nodes) {
      world.controls.workloads.node(n, { 'node.kubernetes.io/instance-type': 'ecs.g7.2xlarge' });
      world.nodes.push(n);
    }
    for (const d of o.deployments)
      world.deployments.set(`${d.namespace}/${d.name}`, createDeployment(world, d));
  }
  return worlds;
}

/** Every object a target names (several for `pod: all` and `podsOnNode`). */
export function resolveTarget(world: ClusterWorld, t: ScenarioTarget): KubeObject[] {
  if ('node' in t) return [world.controls.getObject('nodes', undefined, t.node)].filter(isObject);
  if ('podsOnNode' in t) {
    return [...world.deployments.values()]
      .flatMap((d) => d.pods)
      .filter((p) => podFacts(p).node === t.podsOnNode);
  }
  if ('deployment' in t) {
    const d = world.deployments.get(`${t.namespace}/${t.deployment}`);
    if (!d) return [];
    if (t.pod === undefined) return [d.deployment];
    if (t.pod === 'all') return d.pods;
    return [d.pods[t.pod % d.pods.length]].filter(isObject);
  }
  const storage = `${t.kind.toLowerCase()}s` as Parameters<ScenarioControls['getObject']>[0];
  const found = world.controls.getObject(storage, t.namespace, t.name);
  return [
    found ?? { kind: t.kind, metadata: { name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}) } },
  ];
}

function isObject(o: KubeObject | undefined): o is KubeObject {
  return o !== undefined;
}

/** Fills `{name}`, `{namespace}`, `{node}`, `{container}`, `{image}`, `{uid}`, `{deployment}` from the object. */
export function fillTemplate(template: string, obj: KubeObject): string {
  const facts =
    obj.kind === 'Pod'
      ? podFacts(obj)
      : { node: obj.kind === 'Node' ? str(obj.metadata.name) : '', container: '', image: '' };
  const app = obj.metadata.labels?.app ?? '';
  const values: Record<string, string> = {
    name: str(obj.metadata.name),
    namespace: str(obj.metadata.namespace),
    uid: str(obj.metadata.uid),
    deployment: app,
    ...facts,
  };
  return template.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}

/** Writes one event about `obj` as the named component would; returns the created event. */
export function writeEvent(world: ClusterWorld, obj: KubeObject, e: ScenarioEvent): KubeObject {
  const node = obj.kind === 'Pod' ? podFacts(obj).node : obj.kind === 'Node' ? str(obj.metadata.name) : '';
  const host =
    e.host !== undefined ? fillTemplate(e.host, obj) : NODE_AGENTS.has(e.component) ? node : undefined;
  const fieldPath = e.fieldPath !== undefined ? fillTemplate(e.fieldPath, obj) : undefined;
  return world.controls.createEvent({
    involvedObject: {
      kind: obj.kind ?? 'Pod',
      name: str(obj.metadata.name),
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
      ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
      ...(fieldPath ? { fieldPath } : {}),
    },
    reason: e.reason,
    type: e.type,
    message: fillTemplate(e.message, obj),
    source: { component: e.component, ...(host ? { host } : {}) },
    ...(e.count !== undefined ? { count: e.count } : {}),
  });
}
