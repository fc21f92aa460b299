import type { KubeStandin } from './kube-standin.js';
import type { KubeObject } from './types.js';

/** The events a new Pod gets as it starts and its container keeps failing (one Warning, three Normal). */
export const POD_START_REASONS = ['Scheduled', 'Pulling', 'Pulled', 'BackOff'] as const;

/**
 * A new Deployment (ReplicaSet + Pod) and, at once, its Pod's start-up events: a burst of these is what an
 * enricher meets when most events are written before the Pod reaches its watch cache. Returns the Pod.
 */
export function startFailingPod(kube: KubeStandin, name: string, namespace: string): KubeObject {
  const pod = kube.workloads.deployment({ name, namespace }).pods[0] as KubeObject;
  const { name: podName, namespace: podNamespace, uid } = pod.metadata;
  for (const reason of POD_START_REASONS) {
    kube.createEvent({
      involvedObject: { kind: 'Pod', name: podName!, namespace: podNamespace!, uid: uid! },
      reason,
      type: reason === 'BackOff' ? 'Warning' : 'Normal',
    });
  }
  return pod;
}

/** GETs of single Pods, ReplicaSets and Deployments the stand-in served (an enricher's per-object reads). */
export function ownerGets(kube: Pick<KubeStandin, 'stats'>): number {
  return Object.entries(kube.stats().requests)
    .filter(([path]) => /\/(pods|replicasets|deployments)\/[^/]+$/.test(path))
    .reduce((n, [, c]) => n + c, 0);
}
