import { join } from 'node:path';
import { ofKind, renderChart, repoRoot } from '@kube-herald/deploy-tests';
import type { EventV1 } from '@kube-herald/events';
import { kafkaBrokers, uniqueName, waitFor } from '@kube-herald/testing';
import { startService, type ServiceChild } from './child.js';
import { kubeApi, kubeEnv, type KubeApi, type KubeEnv } from './kube-api.js';
import { create, namespace, serviceAccountToken, writeKubeconfig, type KubeObject } from './objects.js';

/**
 * The collector's RBAC objects as the chart renders them for release namespace `ns` (default values,
 * leader election on); `watched` namespaces as `collector.kubernetes.namespaces` (empty: all).
 */
export function chartCollectorRbac(
  ns: string,
  watched: readonly string[] = [],
  release = 'kh',
): KubeObject[] {
  const objects = renderChart({
    release,
    namespace: ns,
    set: {
      'notifier.enabled': 'false',
      'collector.leaderElection.enabled': 'true',
      ...(watched.length ? { 'collector.kubernetes.namespaces': `{${watched.join(',')}}` } : {}),
    },
  });
  const kinds = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
  return kinds.flatMap((k) => ofKind<KubeObject>(objects, k, 'collector'));
}

/** A namespace holding the chart's collector RBAC, and a kubeconfig with its ServiceAccount's token. */
export interface CollectorIdentity {
  readonly env: KubeEnv;
  readonly admin: KubeApi;
  /** The API as the collector's ServiceAccount. */
  readonly sa: KubeApi;
  readonly ns: string;
  readonly rbac: readonly KubeObject[];
  readonly kubeconfig: string;
}

/**
 * Creates a namespace, the chart's collector RBAC for it as release namespace (`scoped`: the collector
 * watches that namespace only, else all), and a TokenRequest token for the chart's ServiceAccount.
 */
export async function collectorIdentity(prefix: string, scoped = false): Promise<CollectorIdentity> {
  const env = kubeEnv();
  const admin = kubeApi(env);
  const ns = uniqueName(prefix)
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 50);
  await create(admin, namespace(ns));
  const rbac = chartCollectorRbac(ns, scoped ? [ns] : []);
  for (const o of rbac) await create(admin, o, true);
  const saName = rbac.find((o) => o.kind === 'ServiceAccount')?.metadata.name;
  if (!saName) throw new Error('the chart rendered no collector ServiceAccount');
  const token = await serviceAccountToken(admin, ns, saName);
  const kubeconfig = writeKubeconfig(join(repoRoot(), '.run', `${ns}.kubeconfig`), env, token);
  return { env, admin, sa: kubeApi(env, token), ns, rbac, kubeconfig };
}

/** Options of {@link startCollector}. */
export interface CollectorRun {
  readonly name: string;
  readonly kubeconfig: string;
  readonly topic: string;
  readonly api: 'core/v1' | 'events.k8s.io/v1';
  readonly namespaces?: readonly string[];
  readonly leaseNamespace?: string;
  readonly extra?: Record<string, unknown>;
}

/** A collector (child process, sources) publishing to the test broker. */
export function startCollector(r: CollectorRun): ServiceChild {
  return startService('collector', r.name, {
    cluster: { id: 'real-1', name: 'real control plane' },
    kubernetes: { kubeconfig: r.kubeconfig, api: r.api, namespaces: [...(r.namespaces ?? [])] },
    kafka: { brokers: kafkaBrokers(), topic: r.topic, clientId: r.name },
    leaderElection: r.leaseNamespace
      ? { enabled: true, namespace: r.leaseNamespace, leaseName: r.name, identity: `${r.name}-0` }
      : { enabled: false },
    log: { level: 'info' },
    ...r.extra,
  });
}

/** Waits (up to `timeoutMs`) for an event matching `match` in `events`; returns it. */
export function eventSeen(
  events: readonly EventV1[],
  what: string,
  match: (e: EventV1) => boolean,
  timeoutMs = 90_000,
): Promise<EventV1> {
  return waitFor(() => events.find(match), { timeoutMs, intervalMs: 200, what });
}

export type { ServiceChild };
