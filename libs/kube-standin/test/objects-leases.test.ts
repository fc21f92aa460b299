import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  makeInformer,
  type CoreV1Event,
  type V1Lease,
} from '@kubernetes/client-node';
import { startStandin, type Running } from './helpers.js';

function isApiError(code: number, reason?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ApiException, `expected ApiException, got ${String(err)}`);
    assert.equal(err.code, code);
    if (reason) assert.equal((JSON.parse(String(err.body)) as { reason: string }).reason, reason);
    return true;
  };
}

describe('kube-standin objects, owners, leases and the events.k8s.io view', () => {
  let r: Running;
  before(async () => {
    r = await startStandin();
  });
  after(() => r.standin.close());

  it('serves owner chains Pod→ReplicaSet→Deployment and Pod→Job→CronJob, StatefulSet, DaemonSet, Node', async () => {
    const core = r.kc.makeApiClient(CoreV1Api);
    const apps = r.kc.makeApiClient(AppsV1Api);
    const batch = r.kc.makeApiClient(BatchV1Api);
    const dep = r.standin.workloads.deployment({
      name: 'web',
      namespace: 'shop',
      replicas: 2,
      labels: { app: 'web', team: 'a' },
    });
    assert.equal(dep.pods.length, 2);
    const pod = await core.readNamespacedPod({ namespace: 'shop', name: dep.pods[0]!.metadata.name! });
    assert.equal(pod.metadata?.labels?.team, 'a');
    const rsRef = pod.metadata?.ownerReferences?.[0];
    assert.equal(rsRef?.kind, 'ReplicaSet');
    const rs = await apps.readNamespacedReplicaSet({ namespace: 'shop', name: rsRef.name });
    assert.equal(rs.metadata?.uid, rsRef.uid);
    const depRef = rs.metadata?.ownerReferences?.[0];
    assert.equal(depRef?.kind, 'Deployment');
    const d = await apps.readNamespacedDeployment({ namespace: 'shop', name: depRef.name });
    assert.equal(d.metadata?.uid, dep.deployment.metadata.uid);
    assert.equal(d.metadata?.ownerReferences, undefined);

    const cj = r.standin.workloads.cronJob({ name: 'backup', namespace: 'ops' });
    const jobPod = await core.readNamespacedPod({ namespace: 'ops', name: cj.pods[0]!.metadata.name! });
    const jobRef = jobPod.metadata!.ownerReferences![0]!;
    assert.equal(jobRef.kind, 'Job');
    const job = await batch.readNamespacedJob({ namespace: 'ops', name: jobRef.name });
    const cjRef = job.metadata!.ownerReferences![0]!;
    assert.equal(cjRef.kind, 'CronJob');
    assert.equal(
      (await batch.readNamespacedCronJob({ namespace: 'ops', name: cjRef.name })).metadata?.uid,
      cjRef.uid,
    );

    const sts = r.standin.workloads.statefulSet({ name: 'db', namespace: 'shop', replicas: 2 });
    const stsPod = await core.readNamespacedPod({ namespace: 'shop', name: 'db-1' });
    assert.equal(stsPod.metadata?.ownerReferences?.[0]?.uid, sts.statefulSet.metadata.uid);
    assert.equal(
      (await apps.readNamespacedStatefulSet({ namespace: 'shop', name: 'db' })).kind,
      'StatefulSet',
    );
    const ds = r.standin.workloads.daemonSet({
      name: 'agent',
      namespace: 'kube-system',
      nodes: ['node-1', 'node-2'],
    });
    const dsPod = await core.readNamespacedPod({
      namespace: 'kube-system',
      name: ds.pods[1]!.metadata.name!,
    });
    assert.equal(dsPod.spec?.nodeName, 'node-2');
    assert.equal(
      (await apps.readNamespacedDaemonSet({ namespace: 'kube-system', name: 'agent' })).metadata?.uid,
      dsPod.metadata?.ownerReferences?.[0]?.uid,
    );
    r.standin.workloads.node('node-1', { zone: 'hz-a' });
    assert.equal((await core.readNode({ name: 'node-1' })).metadata?.labels?.zone, 'hz-a');

    await assert.rejects(
      core.readNamespacedPod({ namespace: 'shop', name: 'nope' }),
      isApiError(404, 'NotFound'),
    );
    await assert.rejects(
      apps.readNamespacedDeployment({ namespace: 'other', name: 'web' }),
      isApiError(404, 'NotFound'),
    );
  });

  it('answers 403 Forbidden for resources RBAC is told to deny, and allows them again', async () => {
    const apps = r.kc.makeApiClient(AppsV1Api);
    const core = r.kc.makeApiClient(CoreV1Api);
    const dep = r.standin.workloads.deployment({ name: 'rbac', namespace: 'sec' });
    const rsName = dep.replicaSet.metadata.name!;
    r.standin.forbid(['apps/replicasets', '/events']);
    await assert.rejects(
      apps.readNamespacedReplicaSet({ namespace: 'sec', name: rsName }),
      isApiError(403, 'Forbidden'),
    );
    await assert.rejects(core.listEventForAllNamespaces(), isApiError(403, 'Forbidden'));
    assert.ok(
      (await r.kc.makeApiClient(EventsV1Api).listEventForAllNamespaces()).items,
      'only the core group is denied',
    );
    assert.equal(
      (await apps.readNamespacedDeployment({ namespace: 'sec', name: 'rbac' })).metadata?.name,
      'rbac',
    );
    r.standin.forbid([]);
    assert.equal(
      (await apps.readNamespacedReplicaSet({ namespace: 'sec', name: rsName })).metadata?.name,
      rsName,
    );
  });

  it('creates leases with POST (409 AlreadyExists), updates with PUT (409 Conflict when stale)', async () => {
    const coord = r.kc.makeApiClient(CoordinationV1Api);
    const body: V1Lease = {
      metadata: { name: 'kube-herald-collector', namespace: 'kube-system' },
      spec: {
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        acquireTime: new Date(),
        renewTime: new Date(),
        leaseTransitions: 0,
      },
    };
    const created = await coord.createNamespacedLease({ namespace: 'kube-system', body });
    assert.equal(created.spec?.holderIdentity, 'a');
    assert.ok(created.metadata?.resourceVersion);
    await assert.rejects(
      coord.createNamespacedLease({ namespace: 'kube-system', body }),
      isApiError(409, 'AlreadyExists'),
    );

    const read = await coord.readNamespacedLease({ namespace: 'kube-system', name: 'kube-herald-collector' });
    read.spec!.holderIdentity = 'b';
    read.spec!.leaseTransitions = 1;
    const updated = await coord.replaceNamespacedLease({
      namespace: 'kube-system',
      name: 'kube-herald-collector',
      body: read,
    });
    assert.equal(updated.spec?.holderIdentity, 'b');
    assert.notEqual(updated.metadata?.resourceVersion, read.metadata?.resourceVersion);
    read.spec!.holderIdentity = 'c';
    await assert.rejects(
      coord.replaceNamespacedLease({ namespace: 'kube-system', name: 'kube-herald-collector', body: read }),
      isApiError(409, 'Conflict'),
    );

    const raw = await fetch(
      `${r.url}/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-herald-collector`,
      {
        headers: { authorization: `Bearer ${r.standin.token}` },
      },
    );
    const json = (await raw.json()) as {
      apiVersion: string;
      kind: string;
      spec: { renewTime: string; holderIdentity: string };
    };
    assert.equal(json.apiVersion, 'coordination.k8s.io/v1');
    assert.equal(json.kind, 'Lease');
    assert.equal(json.spec.holderIdentity, 'b');
    assert.match(json.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await assert.rejects(
      coord.readNamespacedLease({ namespace: 'kube-system', name: 'other' }),
      isApiError(404, 'NotFound'),
    );
  });

  it('shows one event through core/v1 and events.k8s.io/v1, whichever API created it', async () => {
    const ev1 = r.kc.makeApiClient(EventsV1Api);
    const core = r.kc.makeApiClient(CoreV1Api);
    const legacy = r.standin.createEvent({
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'views' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-1' },
    });
    r.standin.bumpEvent(legacy.metadata.uid!);
    const asV1 = await ev1.readNamespacedEvent({ namespace: 'views', name: legacy.metadata.name! });
    assert.equal(asV1.regarding?.name, 'web-1');
    assert.equal(asV1.note, 'Back-off restarting failed container');
    assert.equal(asV1.deprecatedCount, 2);
    assert.equal(asV1.deprecatedSource?.component, 'kubelet');
    assert.equal(asV1.metadata?.uid, legacy.metadata.uid);

    const created = await ev1.createNamespacedEvent({
      namespace: 'views',
      body: {
        metadata: { name: 'sched.1', namespace: 'views' },
        eventTime: new Date(),
        reportingController: 'default-scheduler',
        reportingInstance: 'default-scheduler-node-1',
        action: 'Scheduling',
        reason: 'FailedScheduling',
        note: '0/3 nodes are available',
        type: 'Warning',
        regarding: { kind: 'Pod', name: 'web-2', namespace: 'views', uid: 'u-2' },
      },
    });
    r.standin.bumpEvent(created.metadata!.uid!);
    const list = await core.listNamespacedEvent({
      namespace: 'views',
      fieldSelector: 'involvedObject.name=web-2',
    });
    const asCore: CoreV1Event = list.items[0]!;
    assert.equal(asCore.message, '0/3 nodes are available');
    assert.equal(asCore.reportingComponent, 'default-scheduler');
    assert.equal(asCore.involvedObject.uid, 'u-2');
    assert.equal(asCore.series?.count, 2, 'an events.k8s.io-style event repeats through series');
    assert.equal(asCore.count, undefined);
    const v1list = await ev1.listEventForAllNamespaces({ fieldSelector: 'regarding.name=web-2' });
    assert.equal(v1list.items.length, 1);
    assert.equal(v1list.apiVersion, 'events.k8s.io/v1');
    assert.equal(v1list.items[0]!.series?.count, 2);
  });

  it('feeds an informer ADDED, MODIFIED and DELETED', async () => {
    const core = r.kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(r.kc, '/api/v1/namespaces/inf/events', () =>
      core.listNamespacedEvent({ namespace: 'inf' }),
    );
    const seen: string[] = [];
    let notify: () => void = () => undefined;
    const record = (verb: string) => (obj: CoreV1Event) => {
      seen.push(`${verb}:${obj.involvedObject.name}:${obj.count ?? ''}`);
      notify();
    };
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    const waitSeen = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`informer saw ${JSON.stringify(seen)}`)), 3000);
        notify = () => {
          if (seen.length >= n) {
            clearTimeout(t);
            resolve();
          }
        };
        notify();
      });
    const pre = r.standin.createEvent({
      involvedObject: { kind: 'Pod', name: 'p0', namespace: 'inf' },
      reason: 'Pulled',
    });
    await informer.start();
    await waitSeen(1);
    const ev = r.standin.createEvent({
      involvedObject: { kind: 'Pod', name: 'p1', namespace: 'inf' },
      reason: 'BackOff',
    });
    await waitSeen(2);
    r.standin.bumpEvent(ev.metadata.uid!);
    await waitSeen(3);
    r.standin.deleteEvent(pre.metadata.uid!);
    await waitSeen(4);
    await informer.stop();
    assert.deepEqual(seen, ['add:p0:1', 'add:p1:1', 'update:p1:2', 'delete:p0:1']);
  });
});
