import type { EventV1 } from '@kube-herald/events';

/** Overrides for {@link makeEvent}: top-level fields plus shortcuts for nested ones. */
export interface EventOverrides extends Partial<Omit<EventV1, 'involvedObject'>> {
  readonly namespace?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly clusterId?: string;
}

/** A valid Event v1 (a BackOff of a Deployment's Pod), with overrides. */
export function makeEvent(o: EventOverrides = {}): EventV1 {
  const { namespace = 'payments', kind = 'Pod', name = 'payments-api-7d9f8-x2kq', clusterId, ...rest } = o;
  const cluster = o.cluster ?? { id: clusterId ?? 'prod-hz', name: '杭州生产' };
  return {
    schema: 'kube-herald.event/v1',
    occurrenceId: 'occ-1',
    incidentKey: `${cluster.id}/${namespace}/${kind}/${name}/${o.reason ?? 'BackOff'}`,
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container api in pod payments-api-7d9f8-x2kq',
    count: 57,
    firstSeen: '2025-03-01T02:02:11Z',
    lastSeen: '2025-03-01T02:14:40Z',
    source: { component: 'kubelet', host: 'node-1' },
    owners: [
      { kind: 'ReplicaSet', name: 'payments-api-7d9f8', uid: 'u-rs' },
      { kind: 'Deployment', name: 'payments-api', uid: 'u-dep' },
    ],
    labels: { app: 'payments-api', 'team.example.com/oncall-mobile': '13800000001' },
    event: { apiVersion: 'v1', namespace, name: `${name}.17f`, uid: 'ev-uid', resourceVersion: '1' },
    observedAt: '2025-03-01T02:14:41Z',
    collector: { instance: 'c-0', version: '0.1.0' },
    ...rest,
    cluster,
    involvedObject: { kind, namespace, name, uid: `uid-${name}`, apiVersion: 'v1' },
  };
}
