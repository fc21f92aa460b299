import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CHART_DIR, parseManifests, runHelm } from '@kube-herald/deploy-tests';
import {
  create,
  kubeApi,
  kubeEnv,
  namespace,
  objectPath,
  remove,
  type KubeObject,
} from '@kube-herald/cluster-tests';
import { uniqueName } from '@kube-herald/testing';

// `helm install` of both halves of the chart into the real API server (objects validated by the server),
// checked object by object, then `helm uninstall` leaving nothing behind.
const env = kubeEnv();
const admin = kubeApi(env);

const HALVES = [
  // watches namespaces default and payments (a heartbeat Role in each: they must exist)
  { name: 'collector', values: 'helm/kube-herald/ci/collector-only-values.yaml', watched: ['payments'] },
  { name: 'notifier', values: 'helm/kube-herald/ci/notifier-only-values.yaml', watched: [] },
] as const;

const helm = (args: readonly string[]): string => {
  const res = runHelm([...args, '--kubeconfig', env.adminKubeconfig]);
  assert.equal(res.code, 0, `helm ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
};

describe('helm chart installed into a real API server', () => {
  const namespaces: string[] = [];
  after(async () => {
    for (const ns of namespaces) await remove(admin, namespace(ns));
  });

  for (const half of HALVES) {
    it(`installs the ${half.name} half (server-side validation), every object stored; uninstall leaves nothing`, async () => {
      const ns = uniqueName(`kh-helm-${half.name}`)
        .replace(/[^a-z0-9-]/g, '-')
        .slice(0, 50);
      namespaces.push(ns);
      const release = `kh-${half.name}`;
      const base = [CHART_DIR, '--namespace', ns, '--values', half.values];
      for (const w of half.watched) await create(admin, namespace(w), true);
      // the API server validates every object (fields, types, enums) without storing anything
      helm(['install', release, ...base, '--create-namespace', '--dry-run=server']);
      helm(['install', release, ...base, '--create-namespace']);
      const objects = parseManifests(helm(['get', 'manifest', release, '--namespace', ns])) as KubeObject[];
      assert.ok(objects.length >= 4, `${objects.length} objects`);
      for (const kind of ['Deployment', 'ConfigMap', 'Service', 'PodDisruptionBudget'])
        assert.ok(
          objects.some((o) => o.kind === kind),
          kind,
        );
      assert.ok(objects.some((o) => o.kind === 'Deployment'));
      for (const o of objects) {
        const withNs = { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } };
        const stored = await admin.call<KubeObject>('GET', objectPath(withNs));
        assert.equal(
          stored.metadata.labels?.['app.kubernetes.io/managed-by'],
          'Helm',
          `${o.kind}/${o.metadata.name}`,
        );
        assert.equal(stored.metadata.annotations?.['meta.helm.sh/release-name'], release);
      }
      const status = helm(['status', release, '--namespace', ns, '--output', 'json']);
      assert.equal((JSON.parse(status) as { info: { status: string } }).info.status, 'deployed');

      helm(['uninstall', release, '--namespace', ns, '--wait', '--timeout', '120s']);
      for (const o of objects) {
        const withNs = { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } };
        const res = await admin.raw('GET', objectPath(withNs));
        assert.equal(res.status, 404, `${o.kind}/${o.metadata.name} left behind after uninstall`);
      }
      const secrets = await admin.call<{ items: unknown[] }>(
        'GET',
        `/api/v1/namespaces/${ns}/secrets?labelSelector=owner%3Dhelm`,
      );
      assert.deepEqual(secrets.items, [], 'no release record left');
    });
  }
});
