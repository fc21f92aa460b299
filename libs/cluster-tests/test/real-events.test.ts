import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventV1 } from '@kube-herald/events';
import {
  collectorIdentity,
  create,
  deployment,
  eventSeen,
  freshTopic,
  kwokNode,
  namespace,
  readEvents,
  remove,
  startCollector,
  type CollectorIdentity,
  type KubeObject,
  type ServiceChild,
  type TopicEvents,
} from '@kube-herald/cluster-tests';

// Real controllers' events, read by collectors that run with the chart's ServiceAccount token, in both API
// modes. The control plane comes from scripts/kube.sh (npm test starts it).
const MODES = ['core/v1', 'events.k8s.io/v1'] as const;

interface Rule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** `group/resource:verb` triples of RBAC rules, sorted and unique. */
function expand(rules: readonly Rule[]): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    for (const g of r.apiGroups ?? [''])
      for (const res of r.resources ?? [])
        for (const v of r.verbs)
          out.add(`${g}/${res}:${v}${r.resourceNames?.length ? `@${r.resourceNames.join('+')}` : ''}`);
  }
  return [...out].sort();
}

describe('collector on a real control plane (chart RBAC, ServiceAccount token)', () => {
  let id: CollectorIdentity;
  const collectors: ServiceChild[] = [];
  const topics = new Map<string, TopicEvents>();
  const cleanup: KubeObject[] = [];
  let nodeName = '';
  let selector: Record<string, string> = {};

  before(async () => {
    id = await collectorIdentity('kh-real');
    nodeName = `${id.ns}-node`;
    selector = { 'kube-herald.test/node-for': id.ns };
    for (const api of MODES) {
      const topic = await freshTopic(`real-${api.replace(/[^a-z0-9]/g, '-')}`);
      topics.set(api, await readEvents(topic));
      collectors.push(
        startCollector({
          name: `real-${api.replace(/[^a-z0-9]/g, '')}`,
          kubeconfig: id.kubeconfig,
          topic,
          api,
          leaseNamespace: id.ns, // each its own Lease (name), in the Role the chart grants
        }),
      );
    }
    await Promise.all(collectors.map((c) => c.url()));
  });

  after(async () => {
    await Promise.all(collectors.map((c) => c.stop()));
    for (const t of topics.values()) await t.close();
    for (const o of cleanup.reverse()) await remove(id.admin, o);
    await remove(id.admin, namespace(id.ns));
  });

  const both = async (what: string, match: (e: EventV1) => boolean): Promise<EventV1[]> =>
    Promise.all(MODES.map((api) => eventSeen(topics.get(api)!.events, `${what} (${api})`, match)));
  const inNs = (e: EventV1): boolean => e.involvedObject.namespace === id.ns;

  it('publishes FailedScheduling (scheduler) and ScalingReplicaSet / SuccessfulCreate (controller manager) with owners', async () => {
    const web = deployment(id.ns, 'web', 2, selector);
    await create(id.admin, web);
    const scaling = await both(
      'ScalingReplicaSet of Deployment web',
      (e) => inNs(e) && e.reason === 'ScalingReplicaSet' && e.involvedObject.name === 'web',
    );
    for (const e of scaling) assert.equal(e.involvedObject.kind, 'Deployment');
    const created = await both(
      'SuccessfulCreate of web’s ReplicaSet',
      (e) => inNs(e) && e.reason === 'SuccessfulCreate' && e.involvedObject.kind === 'ReplicaSet',
    );
    for (const e of created) {
      assert.deepEqual(
        e.owners?.map((o) => [o.kind, o.name]),
        [['Deployment', 'web']],
        'the ReplicaSet is owned by the Deployment',
      );
    }
    const pending = await both(
      'FailedScheduling of a web Pod',
      (e) => inNs(e) && e.reason === 'FailedScheduling' && e.involvedObject.kind === 'Pod',
    );
    for (const e of pending) {
      assert.equal(e.type, 'Warning');
      // the scheduler records through events.k8s.io: reportingController, no deprecatedSource
      assert.match(`${e.source.component} ${e.reportingController ?? ''}`, /default-scheduler/);
      assert.deepEqual(
        e.owners?.map((o) => o.kind),
        ['ReplicaSet', 'Deployment'],
        `owners of ${e.involvedObject.name}: ${JSON.stringify(e.owners)}`,
      );
      assert.equal(e.owners?.[1]?.name, 'web');
    }
  });

  it('publishes Scheduled once a kwok Node exists, and FailedCreate when a quota forbids Pods', async () => {
    const node = kwokNode(nodeName, selector);
    cleanup.push(node);
    await create(id.admin, node);
    await both('Scheduled of a web Pod', (e) => inNs(e) && e.reason === 'Scheduled');
    await create(id.admin, {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'no-pods', namespace: id.ns },
      spec: { hard: { pods: '2' } },
    });
    await create(id.admin, deployment(id.ns, 'blocked', 1, selector));
    const failed = await both(
      'FailedCreate of blocked’s ReplicaSet',
      (e) => inNs(e) && e.reason === 'FailedCreate' && e.involvedObject.kind === 'ReplicaSet',
    );
    for (const e of failed) {
      assert.equal(e.type, 'Warning');
      assert.match(e.message, /quota/);
      assert.equal(e.owners?.[0]?.name, 'blocked');
    }
  });

  it('publishes NodeNotReady when kwok stops a Node’s heartbeats', async () => {
    // kwok (scripts/kube.sh) manages only Nodes annotated kwok.x-k8s.io/node=fake
    await id.admin.call('PATCH', `/api/v1/nodes/${nodeName}`, {
      metadata: { annotations: { 'kwok.x-k8s.io/node': null } },
    });
    const notReady = await Promise.all(
      MODES.map((api) =>
        eventSeen(
          topics.get(api)!.events,
          `NodeNotReady of ${nodeName} (${api})`,
          (e) => e.reason === 'NodeNotReady' && e.involvedObject.name === nodeName,
          120_000,
        ),
      ),
    );
    for (const e of notReady) assert.equal(e.involvedObject.kind, 'Node');
  });

  it('is granted exactly the chart’s verbs (SelfSubjectRulesReview) and denied the rest', async () => {
    const review = await id.sa.call<{ status: { resourceRules: Rule[] } }>(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: id.ns } },
    );
    // system:basic-user lets every identity ask about itself; everything else must come from the chart
    const granted = expand(review.status.resourceRules).filter(
      (g) => !/^authori[sz]ation|^authentication/.test(g),
    );
    const chartRules = id.rbac
      .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
      .flatMap((o) => (o as unknown as { rules: Rule[] }).rules);
    assert.ok(chartRules.length > 0);
    assert.deepEqual(granted, expand(chartRules));
    for (const [method, path] of [
      ['GET', `/api/v1/namespaces/${id.ns}/secrets`],
      ['GET', `/api/v1/namespaces/${id.ns}/configmaps`],
      ['POST', '/api/v1/namespaces/default/events'], // only the heartbeat's namespace allows create
      ['PUT', `/api/v1/namespaces/${id.ns}/events/someone-elses-event`],
      ['DELETE', `/apis/apps/v1/namespaces/${id.ns}/deployments/web`],
      ['GET', '/api/v1/secrets'],
      ['PATCH', `/api/v1/namespaces/${id.ns}/pods/any`],
    ] as const) {
      const body = method === 'POST' || method === 'PUT' ? { metadata: { name: 'x' } } : undefined;
      const res = await id.sa.raw(method, path, body);
      assert.equal(res.status, 403, `${method} ${path} must be forbidden, got ${res.status}`);
    }
  });

  it('leaves no warning in the collectors’ logs', () => {
    for (const c of collectors) {
      assert.deepEqual(
        c.warnings().map((l) => l.msg),
        [],
        'a collector under the chart’s RBAC logs no warning on a healthy control plane',
      );
    }
  });
});
