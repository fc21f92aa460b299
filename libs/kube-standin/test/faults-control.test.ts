import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, EventsV1Api } from '@kubernetes/client-node';
import { collectWatch, podEvent, startStandin, within, type Running } from './helpers.js';

const REAL_EVENTS = '/work/shared/real-events';

async function control(r: Running, op: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${r.url}/_standin/${op}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(res.status, 200, `${op}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

describe('kube-standin faults and the HTTP control API', () => {
  let r: Running;
  before(async () => {
    r = await startStandin({ bookmarkIntervalMs: 80, eventBookmarks: true });
  });
  after(() => r.standin.close());

  it('dropWatches destroys every open watch connection', async () => {
    const rv = r.standin.resourceVersion();
    const a = await collectWatch(r.kc, '/api/v1/events', { resourceVersion: rv });
    const b = await collectWatch(r.kc, '/apis/events.k8s.io/v1/events', { resourceVersion: rv });
    assert.equal(r.standin.stats().openWatches, 2);
    assert.equal(r.standin.dropWatches(), 2);
    const [ea, eb] = await within(Promise.all([a.done, b.done]), 2000, 'both watches end');
    assert.ok(ea instanceof Error && eb instanceof Error, 'an abrupt end reaches done as an error');
    assert.equal(r.standin.stats().openWatches, 0);
    const c = await collectWatch(r.kc, '/api/v1/events', { resourceVersion: rv });
    assert.equal(r.standin.dropWatches({ graceful: true }), 1);
    assert.equal(await within(c.done, 2000, 'graceful end'), null);
  });

  it('stallWatches keeps connections open and silent, then resumes without loss', async () => {
    const w = await collectWatch(r.kc, '/api/v1/events', {
      resourceVersion: r.standin.resourceVersion(),
      allowWatchBookmarks: true,
    });
    await w.waitFor(1);
    r.standin.stallWatches(true);
    const before = w.lines.length;
    const ev = r.standin.createEvent(podEvent('stalled'));
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(w.lines.length, before, 'nothing, not even a bookmark, while stalled');
    assert.equal(r.standin.stats().openWatches, 1);
    r.standin.stallWatches(false);
    const lines = await w.waitFor(before + 1);
    assert.equal(lines[before]!.type, 'ADDED');
    assert.equal(lines[before]!.object.metadata!.uid, ev.metadata.uid);
    w.abort();
  });

  it('delay slows answers; down resets connections or answers 503; control API keeps working', async () => {
    const core = r.kc.makeApiClient(CoreV1Api);
    r.standin.delay(250);
    const t0 = Date.now();
    await core.listEventForAllNamespaces({ limit: 1 });
    assert.ok(Date.now() - t0 >= 240);
    r.standin.delay(0);
    r.standin.down(true);
    await assert.rejects(core.listEventForAllNamespaces());
    r.standin.down(true, '503');
    const res = await fetch(`${r.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${r.standin.token}` },
    });
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { reason: string }).reason, 'ServiceUnavailable');
    const stats = await control(r, 'stats');
    assert.ok(typeof stats.requestsTotal === 'number' && stats.requestsTotal > 0);
    await control(r, 'down', { on: false });
    assert.ok((await core.listEventForAllNamespaces()).items.length > 0);
  });

  it('drives events over the control API and accounts every occurrence', async () => {
    const created = await control(r, 'events', podEvent('ctl-1', 'ctl'));
    const meta = created.metadata as { uid: string; name: string };
    assert.match(meta.name, /^ctl-1\.[0-9a-f]+$/);
    assert.equal(created.count, 1);
    const bumped = await control(r, 'events/bump', { ref: meta.uid });
    assert.equal(bumped.count, 2);
    await control(r, 'events/bump', { namespace: 'ctl', name: meta.name });
    const occ = (await control(r, 'occurrences')).items as Array<{ uid: string; count: number }>;
    assert.deepEqual(
      occ.filter((o) => o.uid === meta.uid).map((o) => o.count),
      [1, 2, 3],
    );
    await control(r, 'events/delete', { ref: `ctl/${meta.name}` });
    const all = (await control(r, 'events-created')).items as Array<{ metadata: { uid: string } }>;
    assert.ok(
      all.some((e) => e.metadata.uid === meta.uid),
      'deleted events stay in the ledger',
    );
    const dep = await control(r, 'workloads/deployment', { name: 'api', namespace: 'ctl', replicas: 1 });
    assert.equal((dep.pods as unknown[]).length, 1);
    const rv = await control(r, 'resource-version');
    const compacted = await control(r, 'compact', {});
    assert.equal(compacted.oldest, rv.resourceVersion);
    const bad = await fetch(`${r.url}/_standin/events/bump`, {
      method: 'POST',
      body: '{"ref":"missing-uid"}',
    });
    assert.equal(bad.status, 404);
  });

  it('ingests every real event file in either API shape and serves it back through both views', async () => {
    const core = r.kc.makeApiClient(CoreV1Api);
    const ev1 = r.kc.makeApiClient(EventsV1Api);
    let n = 0;
    for (const dir of ['core-v1', 'events-v1']) {
      for (const file of (await readdir(join(REAL_EVENTS, dir))).filter((f) => f.endsWith('.json'))) {
        const obj = JSON.parse(await readFile(join(REAL_EVENTS, dir, file), 'utf8')) as {
          metadata: { namespace?: string };
        };
        const stored = r.standin.createEvent({
          ...obj,
          metadata: { ...obj.metadata, namespace: `real-${dir}` },
        });
        assert.equal(stored.kind, 'Event', file);
        n++;
      }
    }
    const coreList = await core.listNamespacedEvent({ namespace: 'real-core-v1' });
    const v1List = await ev1.listNamespacedEvent({ namespace: 'real-events-v1' });
    assert.equal(coreList.items.length + v1List.items.length, n);
    const longest = coreList.items.find((e) => (e.message ?? '').length > 9000);
    assert.ok(longest, 'the 9927-char message survives');
    const viaOther = await ev1.listNamespacedEvent({ namespace: 'real-core-v1', limit: 500 });
    assert.equal(viaOther.items.length, coreList.items.length);
  });
});
