import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createStore } from '../src/store.js';
import { fromEventsV1, KubeApiError, toEventsV1, type KubeObject } from '../src/index.js';

const obj = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'ns' },
  ...extra,
});

describe('store and event views', () => {
  it('compacts by watchCacheSize: older RVs throw 410 Expired, retained ones replay exactly', () => {
    const store = createStore({ watchCacheSize: 3, initialResourceVersion: 10 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) store.put('events', `ns/${n}`, obj(n));
    assert.equal(store.currentRv(), 15);
    assert.equal(store.oldestRv(), 12);
    assert.throws(
      () => store.changesAfter(11),
      (err: unknown) => err instanceof KubeApiError && err.status.code === 410 && err.code === 'KUBE_EXPIRED',
    );
    assert.deepEqual(
      store.changesAfter(12).map((c) => c.object.metadata.name),
      ['c', 'd', 'e'],
    );
    assert.deepEqual(store.changesAfter(15), []);
  });

  it('reconstructs snapshots at an older revision, undoing later writes and deletes', () => {
    const store = createStore({ watchCacheSize: 100, initialResourceVersion: 0 });
    store.put('pods', 'ns/a', obj('a', { v: 1 }));
    const at = store.currentRv();
    store.put('pods', 'ns/a', obj('a', { v: 2 }));
    store.put('pods', 'ns/b', obj('b'));
    store.remove('pods', 'ns/a');
    store.put('leases', 'ns/l', obj('l'));
    const snap = store.snapshot('pods', at);
    assert.deepEqual(
      snap.map(([k, o]) => [k, o.v]),
      [['ns/a', 1]],
    );
    assert.deepEqual(
      store.list('pods').map(([k]) => k),
      ['ns/b'],
    );
    const deleted = store.changesAfter(at).find((c) => c.type === 'DELETED');
    assert.equal(deleted?.object.metadata.resourceVersion, String(at + 3), 'a DELETED carries its own RV');
  });

  it('round-trips every real events.k8s.io object through the core shape without losing fields', async () => {
    const dir = '/work/shared/real-events/events-v1';
    for (const f of (await readdir(dir)).filter((x) => x.endsWith('.json'))) {
      const v1 = JSON.parse(await readFile(join(dir, f), 'utf8')) as KubeObject;
      const back = toEventsV1(fromEventsV1(v1));
      for (const key of [
        'regarding',
        'note',
        'reason',
        'type',
        'deprecatedSource',
        'deprecatedCount',
        'series',
      ]) {
        assert.deepEqual(back[key], v1[key], `${f}: ${key}`);
      }
      assert.deepEqual(back.metadata, v1.metadata, f);
    }
  });
});
