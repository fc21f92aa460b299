import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { podEvent, startStandin, type Running } from './helpers.js';

interface Answer {
  status: number;
  body: {
    kind?: string;
    reason?: string;
    items?: Array<{ metadata: { name: string } }>;
    metadata?: Record<string, unknown>;
  };
}

describe('kube-standin API semantics over raw HTTP', () => {
  let r: Running;
  let call: (path: string, init?: RequestInit) => Promise<Answer>;
  before(async () => {
    r = await startStandin();
    call = async (path, init = {}) => {
      const res = await fetch(`${r.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${r.standin.token}`, 'content-type': 'application/json' },
      });
      return { status: res.status, body: (await res.json()) as Answer['body'] };
    };
  });
  after(() => r.standin.close());

  it('reads an older snapshot with resourceVersionMatch=Exact, 410 once compacted', async () => {
    r.standin.createEvent(podEvent('snap-1', 'snap'));
    const rv = r.standin.resourceVersion();
    const second = r.standin.createEvent(podEvent('snap-2', 'snap'));
    r.standin.deleteEvent(second.metadata.uid!);
    r.standin.createEvent(podEvent('snap-3', 'snap'));
    const exact = await call(
      `/api/v1/namespaces/snap/events?resourceVersion=${rv}&resourceVersionMatch=Exact`,
    );
    assert.equal(exact.status, 200);
    assert.equal(exact.body.metadata?.resourceVersion, rv);
    assert.deepEqual(
      exact.body.items?.map((e) => e.metadata.name.split('.')[0]),
      ['snap-1'],
    );
    const now = await call('/api/v1/namespaces/snap/events?resourceVersion=0');
    assert.deepEqual(now.body.items?.map((e) => e.metadata.name.split('.')[0]).sort(), ['snap-1', 'snap-3']);
    r.standin.compact();
    const gone = await call(
      `/api/v1/namespaces/snap/events?resourceVersion=${rv}&resourceVersionMatch=Exact`,
    );
    assert.equal(gone.status, 410);
    assert.equal(gone.body.reason, 'Expired');
  });

  it('rejects bad input like the API server: field labels, resourceVersions, unknown paths, methods', async () => {
    const field = await call('/api/v1/events?fieldSelector=spec.foo%3Dbar');
    assert.deepEqual([field.status, field.body.reason], [400, 'BadRequest']);
    const rv = await call('/api/v1/events?watch=true&resourceVersion=abc');
    assert.equal(rv.status, 400);
    const future = await call(`/api/v1/events?resourceVersion=${Number(r.standin.resourceVersion()) + 100}`);
    assert.equal(future.status, 504);
    const unknown = await call('/api/v1/configmaps');
    assert.deepEqual([unknown.status, unknown.body.kind], [404, 'Status']);
    const clusterScoped = await call('/api/v1/namespaces/default/nodes');
    assert.equal(clusterScoped.status, 404);
    const patch = await call('/api/v1/namespaces/default/pods/x', { method: 'PATCH', body: '{}' });
    assert.equal(patch.status, 405);
    const badJson = await call('/apis/coordination.k8s.io/v1/namespaces/default/leases', {
      method: 'POST',
      body: '{',
    });
    assert.equal(badJson.status, 400);
  });

  it('selects by labels and by event fields; cluster-scoped nodes list without a namespace', async () => {
    r.standin.workloads.deployment({
      name: 'sel',
      namespace: 'lab',
      labels: { app: 'sel', tier: 'web' },
      replicas: 2,
    });
    r.standin.workloads.pod({ name: 'lone', namespace: 'lab', labels: { app: 'lone' } });
    const web = await call('/api/v1/namespaces/lab/pods?labelSelector=tier%3Dweb');
    assert.equal(web.body.items?.length, 2);
    const notWeb = await call('/api/v1/namespaces/lab/pods?labelSelector=!tier');
    assert.deepEqual(
      notWeb.body.items?.map((p) => p.metadata.name),
      ['lone'],
    );
    const inSet = await call('/api/v1/pods?labelSelector=app%20in%20(sel,lone)');
    assert.equal(inSet.body.items?.length, 3);
    r.standin.createEvent({ ...podEvent('lone', 'lab'), type: 'Normal', reason: 'Pulled' });
    r.standin.createEvent(podEvent('lone', 'lab'));
    const warnings = await call(
      '/api/v1/namespaces/lab/events?fieldSelector=type%3DWarning,involvedObject.name%3Dlone',
    );
    assert.equal(warnings.body.items?.length, 1);
    const notPulled = await call(
      '/apis/events.k8s.io/v1/namespaces/lab/events?fieldSelector=reason!%3DPulled',
    );
    assert.equal(notPulled.body.items?.length, 1);
    r.standin.workloads.node('n-a');
    r.standin.workloads.node('n-b');
    const nodes = await call('/api/v1/nodes');
    assert.deepEqual([nodes.body.kind, nodes.body.items?.length], ['NodeList', 2]);
  });

  it('fills an involved object uid from a stored pod and accepts events POSTed to core/v1', async () => {
    const pod = r.standin.workloads.pod({ name: 'known', namespace: 'fill' });
    const ev = r.standin.createEvent({
      involvedObject: { kind: 'Pod', name: 'known', namespace: 'fill' },
      reason: 'Started',
    });
    assert.equal((ev.involvedObject as { uid: string }).uid, pod.metadata.uid);
    const posted = await call('/api/v1/namespaces/fill/events', {
      method: 'POST',
      body: JSON.stringify({
        metadata: { name: 'known.abc', namespace: 'fill' },
        involvedObject: { kind: 'Pod', name: 'known', namespace: 'fill', uid: pod.metadata.uid },
        reason: 'Killing',
        message: 'Stopping container',
        type: 'Normal',
        count: 1,
      }),
    });
    assert.equal(posted.status, 201);
    const again = await call('/api/v1/namespaces/fill/events', {
      method: 'POST',
      body: JSON.stringify({ metadata: { name: 'known.abc' }, reason: 'Killing' }),
    });
    assert.deepEqual([again.status, again.body.reason], [409, 'AlreadyExists']);
    const viaV1 = await call('/apis/events.k8s.io/v1/namespaces/fill/events/known.abc');
    assert.equal((viaV1.body as { note?: string }).note, 'Stopping container');
  });
});
