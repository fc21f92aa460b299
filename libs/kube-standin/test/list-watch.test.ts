import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { collectWatch, podEvent, startStandin, type Running } from './helpers.js';

describe('kube-standin list and watch, driven by @kubernetes/client-node', () => {
  let r: Running;
  let core: CoreV1Api;
  before(async () => {
    r = await startStandin({ bookmarkIntervalMs: 100 });
    core = r.kc.makeApiClient(CoreV1Api);
  });
  after(() => r.standin.close());

  it('answers 401 Status without or with a wrong token', async () => {
    const res = await fetch(`${r.url}/api/v1/events`);
    assert.equal(res.status, 401);
    const body = (await res.json()) as { kind: string; reason: string; code: number };
    assert.deepEqual([body.kind, body.reason, body.code], ['Status', 'Unauthorized', 401]);
    const bad = new KubeConfig();
    bad.loadFromString(r.standin.kubeconfigYaml().replace(r.standin.token, 'wrong-token'));
    await assert.rejects(bad.makeApiClient(CoreV1Api).listEventForAllNamespaces(), (err: unknown) => {
      assert.ok(err instanceof ApiException);
      assert.equal(err.code, 401);
      return true;
    });
  });

  it('lists with limit/continue over one snapshot, per namespace and with field selectors', async () => {
    for (const ns of ['team-a', 'team-b']) {
      for (const pod of ['api-1', 'api-2', 'worker-1']) r.standin.createEvent(podEvent(pod, ns));
    }
    const first = await core.listEventForAllNamespaces({ limit: 4 });
    assert.equal(first.items.length, 4);
    assert.ok(first.metadata?._continue);
    assert.equal(first.metadata?.remainingItemCount, 2);
    r.standin.createEvent(podEvent('late', 'team-a'));
    const second = await core.listEventForAllNamespaces({ limit: 4, _continue: first.metadata._continue });
    assert.equal(second.items.length, 2, 'the continuation reads the first snapshot, not the late event');
    assert.equal(second.metadata?._continue, undefined);
    assert.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion);
    const names = [...first.items, ...second.items].map(
      (e) => `${e.metadata.namespace}/${e.involvedObject.name}`,
    );
    assert.equal(new Set(names).size, 6);
    assert.ok(!names.includes('team-a/late'));

    const nsList = await core.listNamespacedEvent({ namespace: 'team-b' });
    assert.equal(nsList.items.length, 3);
    assert.ok(nsList.items.every((e) => e.metadata.namespace === 'team-b'));
    const sel = await core.listEventForAllNamespaces({
      fieldSelector: 'involvedObject.name=api-1,involvedObject.kind=Pod',
    });
    assert.deepEqual(sel.items.map((e) => e.metadata.namespace).sort(), ['team-a', 'team-b']);
    const full = await core.listEventForAllNamespaces();
    assert.equal(full.items.length, 7);
    assert.equal(full.metadata?.resourceVersion, r.standin.resourceVersion());
  });

  it('answers 410 Expired for a continue token whose snapshot was compacted', async () => {
    const first = await core.listEventForAllNamespaces({ limit: 1 });
    r.standin.createEvent(podEvent('after-page-1'));
    r.standin.compact();
    await assert.rejects(
      core.listEventForAllNamespaces({ limit: 1, _continue: first.metadata?._continue }),
      (err: unknown) => {
        assert.ok(err instanceof ApiException);
        assert.equal(err.code, 410);
        assert.match(String(err.body), /Expired/);
        return true;
      },
    );
  });

  it('watch from a resourceVersion delivers exactly the later changes, in order', async () => {
    const from = (await core.listEventForAllNamespaces()).metadata!.resourceVersion!;
    const a = r.standin.createEvent(podEvent('w-a', 'watch-ns'));
    const mid = r.standin.resourceVersion();
    r.standin.createEvent(podEvent('w-b', 'watch-ns'));
    r.standin.bumpEvent(a.metadata.uid!);
    r.standin.deleteEvent(`watch-ns/${a.metadata.name}`);
    const w = await collectWatch(r.kc, '/api/v1/namespaces/watch-ns/events', { resourceVersion: from });
    const got = await w.waitFor(4);
    assert.deepEqual(
      got.map((l) => l.type),
      ['ADDED', 'ADDED', 'MODIFIED', 'DELETED'],
    );
    assert.equal((got[2]!.object as { count?: number }).count, 2);
    const rvs = got.map((l) => Number(l.object.metadata!.resourceVersion));
    assert.deepEqual(
      [...rvs].sort((x, y) => x - y),
      rvs,
    );
    const w2 = await collectWatch(r.kc, '/api/v1/events', { resourceVersion: mid });
    const got2 = await w2.waitFor(3);
    assert.deepEqual(
      got2.map((l) => l.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    await new Promise((res) => setTimeout(res, 150));
    assert.equal(w2.lines.length, 3, 'nothing beyond the later changes');
    const live = r.standin.createEvent(podEvent('w-live', 'watch-ns'));
    const [, , , , fifth] = await w.waitFor(5);
    assert.equal(fifth!.type, 'ADDED');
    assert.equal(fifth!.object.metadata!.uid, live.metadata.uid);
    w.abort();
    w2.abort();
  });

  it('watch without resourceVersion starts with ADDED for current objects', async () => {
    const w = await collectWatch(r.kc, '/api/v1/namespaces/team-b/events', {});
    const got = await w.waitFor(3);
    assert.ok(got.every((l) => l.type === 'ADDED'));
    w.abort();
  });

  it('a compacted resourceVersion yields an ERROR 410 Expired event and the end of the watch', async () => {
    const old = r.standin.resourceVersion();
    r.standin.createEvent(podEvent('c-1'));
    r.standin.createEvent(podEvent('c-2'));
    r.standin.compact(1);
    const w = await collectWatch(r.kc, '/api/v1/events', { resourceVersion: old });
    assert.equal(await w.done, null);
    assert.equal(w.lines.length, 1);
    assert.equal(w.lines[0]!.type, 'ERROR');
    assert.equal(w.lines[0]!.object.code, 410);
    assert.equal(w.lines[0]!.object.reason, 'Expired');
    assert.match(String(w.lines[0]!.object.message), /too old resource version/);
  });

  it('sends no bookmarks on Event watches (as the real API server), but on other resources when asked', async () => {
    const rv = r.standin.resourceVersion();
    const events = await collectWatch(r.kc, '/api/v1/events', {
      resourceVersion: rv,
      allowWatchBookmarks: true,
    });
    const v1 = await collectWatch(r.kc, '/apis/events.k8s.io/v1/events', {
      resourceVersion: rv,
      allowWatchBookmarks: true,
    });
    const plain = await collectWatch(r.kc, '/api/v1/pods', { resourceVersion: rv });
    const pods = await collectWatch(r.kc, '/api/v1/pods', { resourceVersion: rv, allowWatchBookmarks: true });
    const [bm] = await pods.waitFor(1);
    assert.equal(bm!.type, 'BOOKMARK');
    assert.equal(bm!.object.kind, 'Pod');
    assert.deepEqual(bm!.object.metadata, { resourceVersion: r.standin.resourceVersion() });
    await new Promise((res) => setTimeout(res, 350)); // more than three bookmark intervals
    assert.equal(events.lines.length, 0, 'no bookmark on a core/v1 Event watch');
    assert.equal(v1.lines.length, 0, 'no bookmark on an events.k8s.io/v1 Event watch');
    assert.equal(plain.lines.length, 0, 'none unless asked');
    for (const w of [events, v1, plain, pods]) w.abort();
  });

  it('sends bookmarks on Event watches only with the eventBookmarks option', async () => {
    const o = await startStandin({ bookmarkIntervalMs: 50, eventBookmarks: true });
    try {
      const w = await collectWatch(o.kc, '/api/v1/events', {
        resourceVersion: o.standin.resourceVersion(),
        allowWatchBookmarks: true,
      });
      const [bm] = await w.waitFor(1);
      assert.equal(bm!.type, 'BOOKMARK');
      assert.equal(bm!.object.kind, 'Event');
      w.abort();
    } finally {
      await o.standin.close();
    }
  });

  it('lists items without kind/apiVersion (the list has them), as the real API server', async () => {
    r.standin.createEvent(podEvent('kindless'));
    const res = await fetch(`${r.url}/api/v1/events?limit=1`, {
      headers: { authorization: `Bearer ${r.standin.token}` },
    });
    const body = (await res.json()) as {
      kind: string;
      apiVersion: string;
      items: Array<Record<string, unknown>>;
    };
    assert.deepEqual([body.kind, body.apiVersion], ['EventList', 'v1']);
    assert.equal(body.items.length, 1);
    assert.equal(body.items[0]!.kind, undefined);
    assert.equal(body.items[0]!.apiVersion, undefined);
    assert.ok(body.items[0]!.metadata, 'the item itself is there');
  });

  it('serves metadata only for Accept as=PartialObjectMetadataList (LIST) / as=PartialObjectMetadata (WATCH)', async () => {
    const d = r.standin.workloads.deployment({ name: 'meta', namespace: 'team-m', replicas: 1 });
    const headers = {
      authorization: `Bearer ${r.standin.token}`,
      accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json',
    };
    const res = await fetch(`${r.url}/api/v1/namespaces/team-m/pods`, { headers });
    const body = (await res.json()) as {
      kind: string;
      apiVersion: string;
      metadata: { resourceVersion: string };
      items: Array<Record<string, unknown>>;
    };
    assert.deepEqual([body.kind, body.apiVersion], ['PartialObjectMetadataList', 'meta.k8s.io/v1']);
    assert.equal(body.items.length, 1);
    assert.deepEqual(Object.keys(body.items[0]!), ['metadata'], 'metadata only, no spec/status');
    const meta = body.items[0]!.metadata as { ownerReferences: Array<{ kind: string; uid: string }> };
    assert.equal(meta.ownerReferences[0]!.kind, 'ReplicaSet');
    assert.equal(meta.ownerReferences[0]!.uid, d.replicaSet.metadata.uid);
    const ctl = new AbortController();
    const w = await fetch(
      `${r.url}/api/v1/namespaces/team-m/pods?watch=true&resourceVersion=${body.metadata.resourceVersion}`,
      {
        headers: { ...headers, accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' },
        signal: ctl.signal,
      },
    );
    r.standin.workloads.deployment({ name: 'meta2', namespace: 'team-m', replicas: 1 });
    const reader = w.body!.getReader();
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value as Uint8Array);
    const line = JSON.parse(text.split('\n')[0]!) as { type: string; object: Record<string, unknown> };
    assert.equal(line.type, 'ADDED');
    assert.deepEqual(Object.keys(line.object).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(line.object.kind, 'PartialObjectMetadata');
    ctl.abort();
  });

  it('answers 403 for a moment after start with forbiddenAfterStartMs, /readyz 500 meanwhile', async () => {
    const o = await startStandin({ forbiddenAfterStartMs: 400 });
    try {
      const get = (path: string) =>
        fetch(`${o.url}${path}`, { headers: { authorization: `Bearer ${o.standin.token}` } });
      assert.equal((await get('/api/v1/events')).status, 403);
      assert.equal((await get('/readyz')).status, 500);
      await new Promise((res) => setTimeout(res, 450));
      assert.equal((await get('/api/v1/events')).status, 200);
      assert.equal((await get('/readyz')).status, 200);
    } finally {
      await o.standin.close();
    }
  });

  it('ends the watch after timeoutSeconds', async () => {
    const started = Date.now();
    const w = await collectWatch(r.kc, '/api/v1/events', {
      resourceVersion: r.standin.resourceVersion(),
      timeoutSeconds: 1,
    });
    assert.equal(await w.done, null);
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 3000, `took ${took} ms`);
  });
});
