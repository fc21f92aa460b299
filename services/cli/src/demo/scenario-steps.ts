import type { KubeObject } from '@kube-herald/kube-standin';
import type { Scenario } from './scenario-schema.js';
import { podFacts, writeEvent, type ClusterWorld } from './scenario-world.js';

/** Where the steps report what they wrote. */
export interface EventSink {
  created(ev: KubeObject): void;
  bumped(ev: KubeObject): void;
}

type StormSpec = Extract<Scenario['steps'][number], { storm: unknown }>['storm'];

/**
 * A node stops reporting: its Ready condition turns Unknown (with the unreachable taints), the node
 * lifecycle controller records NodeNotReady on the Node and on each of its pods, and the taint eviction
 * controller marks the pods for deletion — the real components' wording.
 */
export function nodeNotReady(world: ClusterWorld, node: string, sink: EventSink): void {
  const obj = world.controls.getObject('nodes', undefined, node);
  if (!obj) return;
  const updated = world.controls.putObject('nodes', {
    ...obj,
    spec: {
      taints: [
        { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
      ],
    },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
        },
      ],
    },
  });
  sink.created(
    writeEvent(world, updated, {
      reason: 'NodeNotReady',
      type: 'Normal',
      message: 'Node {name} status is now: NodeNotReady',
      component: 'node-controller',
    }),
  );
  const pods = [...world.deployments.values()]
    .flatMap((d) => d.pods)
    .filter((p) => podFacts(p).node === node);
  for (const pod of pods) {
    sink.created(
      writeEvent(world, pod, {
        reason: 'NodeNotReady',
        type: 'Warning',
        message: 'Node is not ready',
        component: 'node-controller',
      }),
    );
    sink.created(
      writeEvent(world, pod, {
        reason: 'TaintManagerEviction',
        type: 'Normal',
        message: 'Marking for deletion Pod {namespace}/{name}',
        component: 'taint-eviction-controller',
      }),
    );
  }
}

/**
 * A storm: Deployments (one per namespace) with `objects` pending pods in all, then `events` Warnings
 * spread over the ticks — one new event per pod first, then repeats of random ones (count climbs), like a
 * scheduler retrying.
 */
export function stormTick(world: ClusterWorld, s: StormSpec, sink: EventSink) {
  const namespaces = [s.namespace, ...s.spreadOver];
  const perNamespace = namespaces.map((namespace, n) => {
    const replicas = Math.floor(s.objects / namespaces.length) + (n < s.objects % namespaces.length ? 1 : 0);
    if (replicas === 0) return [];
    const created = world.controls.workloads.deployment({
      name: s.prefix,
      namespace,
      replicas,
      image: `registry.example.com/${namespace}/${s.prefix}:2.4.1`,
    });
    const pending = created.pods.map((p) =>
      world.controls.putObject('pods', {
        ...p,
        spec: { ...(p.spec as object), nodeName: undefined },
        status: { phase: 'Pending' },
      }),
    );
    world.deployments.set(`${namespace}/${s.prefix}`, { ...created, pods: pending });
    return pending;
  });
  // Interleaved, so the first events already hit every namespace.
  const pods = Array.from({ length: Math.max(...perNamespace.map((p) => p.length)) }, (_, i) =>
    perNamespace.map((p) => p[i]).filter((p) => p !== undefined),
  ).flat();
  const uids: string[] = [];
  let written = 0;
  return {
    tick(i: number, ticks: number): void {
      const target = Math.round((s.events * (i + 1)) / ticks);
      for (; written < target; written++) {
        const pod = pods[uids.length];
        if (pod) {
          const ev = writeEvent(world, pod, {
            reason: s.reason,
            type: 'Warning',
            message: s.message,
            component: s.component,
          });
          uids.push(ev.metadata.uid ?? '');
          sink.created(ev);
        } else {
          const uid = uids[Math.floor(Math.random() * uids.length)] ?? '';
          sink.bumped(world.controls.bumpEvent({ uid }));
        }
      }
    },
  };
}

const NORMAL_STEPS = [
  {
    reason: 'Scheduled',
    component: 'default-scheduler',
    message: 'Successfully assigned {namespace}/{name} to {node}',
  },
  { reason: 'Pulled', component: 'kubelet', message: 'Container image "{image}" already present on machine' },
  { reason: 'Created', component: 'kubelet', message: 'Created container: {container}' },
  { reason: 'Started', component: 'kubelet', message: 'Started container {container}' },
] as const;

/** The background: each call writes the next Normal event of a pod start (Scheduled → Pulled → Created → Started). */
export function normalCycle(
  world: ClusterWorld,
  namespace: string,
  deployment: string,
  sink: EventSink,
): () => void {
  let n = 0;
  return () => {
    const pods = world.deployments.get(`${namespace}/${deployment}`)?.pods ?? [];
    const pod = pods[Math.floor(n / NORMAL_STEPS.length) % Math.max(1, pods.length)];
    const step = NORMAL_STEPS[n % NORMAL_STEPS.length];
    n++;
    if (!pod || !step) return;
    const kubelet = step.component === 'kubelet';
    sink.created(
      writeEvent(world, pod, {
        reason: step.reason,
        type: 'Normal',
        message: step.message,
        component: step.component,
        ...(kubelet ? { fieldPath: `spec.containers{${podFacts(pod).container}}` } : {}),
      }),
    );
  };
}
