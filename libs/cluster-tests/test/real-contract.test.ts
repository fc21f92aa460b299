import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKubeStandin, type KubeStandin } from '@kube-herald/kube-standin';
import {
  create,
  kubeApi,
  kubeEnv,
  kubeScript,
  namespace,
  remove,
  watchLines,
  wire,
  type WireTarget,
} from '@kube-herald/cluster-tests';
import { uniqueName } from '@kube-herald/testing';

// The same LIST / WATCH / 410 scenario against the real API server (scripts/kube.sh) and the API stand-in
// (libs/kube-standin, default options but bookmarks every second), reduced to what the collector relies on; the two transcripts must
// be equal. Where they differ, the real server is right and the stand-in is fixed.
interface Server {
  readonly target: WireTarget;
  /** Makes every resourceVersion before now unusable (etcd compaction / the stand-in's history). */
  compact(): Promise<void>;
}

const event = (ns: string, name: string, count: number, rv?: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: ns, ...(rv ? { resourceVersion: rv } : {}) },
  involvedObject: { kind: 'Pod', namespace: ns, name: `${name}-pod`, uid: `${name}-uid` },
  reason: 'BackOff',
  message: `back-off ${count}`,
  type: 'Warning',
  count,
  firstTimestamp: '2026-12-07T10:00:00Z',
  lastTimestamp: '2026-12-07T10:00:00Z',
  source: { component: 'kubelet', host: 'node-1' },
});

type Json = Record<string, unknown>;
const meta = (o: unknown): Json => ((o as Json | undefined)?.metadata ?? {}) as Json;

/** The scenario on one server: what a collector sees, without names, uids or resourceVersion values. */
async function transcript(s: Server, ns: string): Promise<Json> {
  const base = `/api/v1/namespaces/${ns}/events`;
  const post = await wire(s.target, 'POST', base, event(ns, 'first', 1));
  assert.equal(post.status, 201, post.body);
  const list = JSON.parse((await wire(s.target, 'GET', `${base}?limit=500`)).body) as Json;
  const rv = String(meta(list).resourceVersion);
  const items = (list.items ?? []) as Json[];
  const v1List = JSON.parse(
    (await wire(s.target, 'GET', `/apis/events.k8s.io/v1/namespaces/${ns}/events`)).body,
  ) as Json;
  // a 6 s watch with bookmarks asked for: a second Event created, the first repeated (count 2)
  const watching = watchLines(
    s.target,
    `${base}?watch=true&allowWatchBookmarks=true&timeoutSeconds=6&resourceVersion=${rv}`,
    15_000,
  );
  await sleep(500);
  await wire(s.target, 'POST', base, event(ns, 'second', 1));
  const first = JSON.parse((await wire(s.target, 'GET', `${base}/first`)).body) as Json;
  await wire(s.target, 'PUT', `${base}/first`, event(ns, 'first', 2, String(meta(first).resourceVersion)));
  const lines = await watching;
  await s.compact();
  const expired = await watchLines(
    s.target,
    `${base}?watch=true&timeoutSeconds=3&resourceVersion=${rv}`,
    10_000,
  );
  const relist = JSON.parse((await wire(s.target, 'GET', base)).body) as Json;
  return {
    list: {
      kind: list.kind,
      apiVersion: list.apiVersion,
      resourceVersionIsString: typeof meta(list).resourceVersion === 'string',
      items: items.length,
      itemKind: items.map((i) => i.kind ?? null),
      itemApiVersion: items.map((i) => i.apiVersion ?? null),
    },
    eventsV1List: {
      kind: v1List.kind,
      apiVersion: v1List.apiVersion,
      items: ((v1List.items ?? []) as Json[]).map((i) => ({
        kind: i.kind ?? null,
        note: i.note,
        reason: i.reason,
      })),
    },
    watch: lines.map((l) => {
      const o = l.object as Json;
      return `${String(l.type)} ${String(o.kind)} ${JSON.stringify(meta(o).name)} count=${JSON.stringify(o.count)}`;
    }),
    expired: expired.map((l) => {
      const o = l.object as Json;
      return { type: l.type, kind: o.kind, code: o.code, reason: o.reason };
    }),
    relist: ((relist.items ?? []) as Json[])
      .map((i) => `${String(meta(i).name)} count=${String(i.count)}`)
      .sort(),
  };
}

describe('API stand-in vs the real API server: the same LIST / WATCH / 410 scenario, the same transcript', () => {
  const env = kubeEnv();
  const admin = kubeApi(env);
  let standin: KubeStandin;
  const ns = uniqueName('kh-contract')
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 50);

  before(async () => {
    // bookmarks every second where the stand-in sends them: a 6 s Event watch would carry some if it did
    standin = createKubeStandin({ bookmarkIntervalMs: 1000 });
    await standin.start();
    await create(admin, namespace(ns));
  });
  after(async () => {
    await standin.close();
    await remove(admin, namespace(ns));
  });

  it('lists without kind on items, watches ADDED/MODIFIED without BOOKMARKs, answers an old resourceVersion with 410 Expired', async () => {
    const real = await transcript(
      {
        target: { server: env.server, token: env.adminToken, ca: readFileSync(env.caFile) },
        compact: async () => void (await kubeScript('compact')),
      },
      ns,
    );
    const fake = await transcript(
      {
        target: { server: standin.url(), token: standin.token },
        compact: () => Promise.resolve(void standin.compact(0)),
      },
      ns,
    );
    process.stdout.write(`# real API server transcript: ${JSON.stringify(real)}\n`);
    // the facts first, so that a failure says which one broke
    assert.deepEqual(
      real.watch,
      ['ADDED Event "second" count=1', 'MODIFIED Event "first" count=2'],
      'real server',
    );
    assert.deepEqual((real.expired as Json[])[0], {
      type: 'ERROR',
      kind: 'Status',
      code: 410,
      reason: 'Expired',
    });
    assert.deepEqual(fake, real);
  });
});
