import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { isKhError } from '@kube-herald/errors';
import { createKubeStandinClient, type KubeObject, type KubeStandinClient } from '../src/index.js';
import { collectWatch, podEvent, startStandin, within, type Running } from './helpers.js';

describe('kube-standin control client, workloads, watch-list and event TTL', () => {
  let r: Running;
  let client: KubeStandinClient;
  before(async () => {
    r = await startStandin();
    client = createKubeStandinClient(r.url);
  });
  after(() => r.standin.close());

  it('creates workloads whose pods carry the workload labels and container name', async () => {
    const dep = (await client.workload('deployment', { name: 'api', namespace: 'cc', replicas: 2 })) as {
      deployment: KubeObject;
      pods: KubeObject[];
    };
    const core = r.kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({
      namespace: 'cc',
      labelSelector: 'app=api,pod-template-hash',
    });
    assert.equal(pods.items.length, 2);
    assert.deepEqual(
      pods.items.map((p) => p.spec?.containers[0]?.name),
      ['api', 'api'],
    );
    assert.deepEqual(
      pods.items.map((p) => p.metadata?.name).sort(),
      dep.pods.map((p) => p.metadata.name).sort(),
    );
    const none = await core.listNamespacedPod({ namespace: 'cc', labelSelector: 'app notin (api)' });
    assert.equal(none.items.length, 0);
  });

  it('drives events, faults and stats through the client; errors carry a stable code', async () => {
    const ev = await client.createEvent(podEvent('cli-1', 'cc'));
    const bumped = await client.bumpEvent(ev.metadata.uid!, { message: 'again' });
    assert.equal(bumped.count, 2);
    assert.equal(bumped.message, 'again');
    const occ = await client.occurrences();
    assert.deepEqual(
      occ.filter((o) => o.uid === ev.metadata.uid).map((o) => o.count),
      [1, 2],
    );
    const w = await collectWatch(r.kc, '/api/v1/events', {
      resourceVersion: (await client.resourceVersion()).resourceVersion,
    });
    assert.equal(await client.dropWatches(), 1);
    assert.ok((await within(w.done, 2000, 'dropped watch ends')) instanceof Error);
    const stats = await client.stats();
    assert.equal(stats.openWatches, 0);
    assert.ok((stats.requests['/api/v1/events'] ?? 0) >= 1);
    await assert.rejects(client.bumpEvent('no-such-uid'), (err: unknown) => {
      assert.ok(isKhError(err, 'KUBE_STANDIN_CONTROL_FAILED'));
      assert.equal(err.details?.status, 404);
      return true;
    });
  });

  it('serves a watch-list (sendInitialEvents) ending the initial ADDED with an initial-events-end bookmark', async () => {
    const w = await collectWatch(r.kc, '/api/v1/namespaces/cc/events', {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
    });
    const current = r.standin.createEvent(podEvent('wl-1', 'cc'));
    const got = await w.waitFor(2);
    const end = got.findIndex((l) => l.type === 'BOOKMARK');
    assert.ok(end >= 1, JSON.stringify(got));
    assert.ok(got.slice(0, end).every((l) => l.type === 'ADDED'));
    const bm = got[end]!.object.metadata as { annotations?: Record<string, string> };
    assert.equal(bm.annotations?.['k8s.io/initial-events-end'], 'true');
    const after = await w.waitFor(end + 2);
    assert.equal(after[end + 1]!.object.metadata!.uid, current.metadata.uid);
    w.abort();
  });

  it('expires idle events after eventTtlMs and watches see DELETED', async (t) => {
    const short = await startStandin({ eventTtlMs: 300 });
    t.after(() => short.standin.close());
    const w = await collectWatch(short.kc, '/api/v1/namespaces/ttl/events', {
      resourceVersion: short.standin.resourceVersion(),
    });
    const ev = short.standin.createEvent(podEvent('short-lived', 'ttl'));
    const t0 = Date.now();
    const lines = await w.waitFor(2, 3000);
    assert.ok(Date.now() - t0 >= 290, 'not before the TTL');
    assert.deepEqual(
      lines.map((l) => l.type),
      ['ADDED', 'DELETED'],
    );
    assert.equal(lines[1]!.object.metadata!.uid, ev.metadata.uid);
    assert.ok(short.standin.eventsCreated().some((e) => e.metadata.uid === ev.metadata.uid));
    w.abort();
  });
});
