import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  CHART_DIR,
  ofKind,
  renderChart,
  repoRoot,
  runHelm,
  single,
  templateArgs,
  type ConfigMap,
  type Container,
  type Deployment,
  type K8sObject,
  type RbacRole,
  type RoleBinding,
} from '@kube-herald/deploy-tests';

interface Service extends K8sObject {
  spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
}
interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: { type: string; external?: { target: { averageValue: string } } }[];
  };
}
interface ServiceMonitor extends K8sObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: { port: string; path: string; interval: string }[];
  };
}
interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    policyTypes: string[];
    ingress: { ports: { port: string | number }[]; from?: unknown[] }[];
    egress: { ports?: { port: number; protocol: string }[]; to?: unknown[] }[];
  };
}

const root = repoRoot();
const ciFiles = readdirSync(join(root, CHART_DIR, 'ci'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(CHART_DIR, 'ci', f))
  .sort();
const ci = (name: string): string => join(CHART_DIR, 'ci', `${name}-values.yaml`);
const NS = 'observability';
/** The `oncall` DingTalk receiver of the values files as the notifier's config holds it (secrets as files). */
const ONCALL = {
  name: 'oncall',
  type: 'dingtalk',
  webhookFile: '/secrets/oncall/webhook',
  secretFile: '/secrets/oncall/secret',
  keywords: ['K8s'],
};

function containerOf(d: Deployment): Container {
  assert.equal(d.spec.template.spec.containers.length, 1, `${d.metadata.name} has one container`);
  return d.spec.template.spec.containers[0]!;
}

function configOf(
  objects: readonly K8sObject[],
  component: string,
): { text: string; doc: Record<string, unknown> } {
  const cm = single<ConfigMap>(objects, 'ConfigMap', component);
  const text = cm.data['config.yaml'];
  assert.ok(text, `${cm.metadata.name} has config.yaml`);
  return { text, doc: parse(text) as Record<string, unknown> };
}

/** `group/resource:verb` triples of RBAC rules, sorted, to compare rule sets exactly. */
function grants(role: RbacRole): string[] {
  const out: string[] = [];
  for (const r of role.rules) {
    const names = r.resourceNames?.length ? `@${r.resourceNames.join('+')}` : '';
    for (const g of r.apiGroups)
      for (const res of r.resources) for (const v of r.verbs) out.push(`${g}/${res}:${v}${names}`);
  }
  return out.sort();
}

describe('helm chart: lint', () => {
  it('has ci values files for collector only, notifier only, both, monitoring and HPA', () => {
    for (const name of ['collector-only', 'notifier-only', 'both', 'monitoring', 'hpa']) {
      assert.ok(ciFiles.includes(ci(name)), `missing ${ci(name)}`);
    }
  });

  for (const file of [undefined, ...ciFiles]) {
    it(`helm lint --strict passes with ${file ?? 'default values'}`, () => {
      const res = runHelm([
        'lint',
        CHART_DIR,
        '--strict',
        '--namespace',
        NS,
        ...(file ? ['--values', file] : []),
      ]);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.match(res.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('helm chart: default values', () => {
  const objects = renderChart();

  it('renders both services and no Secret, HPA, ServiceMonitor, NetworkPolicy or dashboard', () => {
    const kinds = objects.map(
      (o) => `${o.kind}/${o.metadata.labels?.['app.kubernetes.io/component'] ?? '-'}`,
    );
    for (const want of [
      'Deployment/collector',
      'Deployment/notifier',
      'ServiceAccount/collector',
      'ClusterRole/collector',
      'ClusterRoleBinding/collector',
      'Role/collector',
      'RoleBinding/collector',
      'ConfigMap/collector',
      'ConfigMap/notifier',
      'Service/collector',
      'Service/notifier',
      'PodDisruptionBudget/notifier',
    ]) {
      assert.ok(kinds.includes(want), `missing ${want} in ${kinds.join(', ')}`);
    }
    for (const kind of ['Secret', 'HorizontalPodAutoscaler', 'ServiceMonitor', 'NetworkPolicy']) {
      assert.deepEqual(ofKind(objects, kind), [], `${kind} rendered by default`);
    }
    assert.equal(ofKind(objects, 'ConfigMap').length, 2);
  });

  it('grants the collector exactly the read access it needs, cluster-wide', () => {
    const role = single<RbacRole>(objects, 'ClusterRole', 'collector');
    assert.deepEqual(grants(role), [
      '/events:get',
      '/events:list',
      '/events:watch',
      '/nodes:get',
      '/pods:get',
      '/pods:list',
      '/pods:watch',
      'apps/daemonsets:get',
      'apps/deployments:get',
      'apps/replicasets:get',
      'apps/replicasets:list',
      'apps/replicasets:watch',
      'apps/statefulsets:get',
      'batch/cronjobs:get',
      'batch/jobs:get',
      'batch/jobs:list',
      'batch/jobs:watch',
      'events.k8s.io/events:get',
      'events.k8s.io/events:list',
      'events.k8s.io/events:watch',
    ]);
    const binding = single<RoleBinding>(objects, 'ClusterRoleBinding', 'collector');
    const sa = single(objects, 'ServiceAccount', 'collector');
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role.metadata.name,
    });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: NS }]);
  });

  const named = <T extends { metadata: { name: string } }>(list: T[], suffix: string): T => {
    const found = list.filter((o) => o.metadata.name.includes(suffix));
    assert.equal(found.length, 1, `one object named *${suffix}*`);
    return found[0]!;
  };

  /**
   * The collector's Role named *<suffix>* and its RoleBinding; asserts the Role is in the release namespace
   * and grants exactly `expected`, and the binding names the collector's ServiceAccount.
   */
  const collectorRole = (suffix: string, expected: string[]): { role: RbacRole; binding: RoleBinding } => {
    const role = named(ofKind<RbacRole>(objects, 'Role', 'collector'), suffix);
    assert.equal(role.metadata.namespace, NS);
    assert.deepEqual(grants(role), expected);
    const binding = named(ofKind<RoleBinding>(objects, 'RoleBinding', 'collector'), suffix);
    const collector = single<Deployment>(objects, 'Deployment', 'collector');
    assert.equal(binding.subjects[0]?.name, collector.spec.template.spec.serviceAccountName);
    return { role, binding };
  };

  it('grants the watch heartbeat Event (create; get/update of its one name) in the release namespace', () => {
    const { role, binding } = collectorRole('-heartbeat', [
      '/events:create',
      '/events:get@kube-herald-collector.watch-heartbeat',
      '/events:update@kube-herald-collector.watch-heartbeat',
    ]);
    assert.equal(binding.roleRef.name, role.metadata.name);
    const scoped = renderChart({ set: { 'collector.kubernetes.namespaces': '{a,b}' } });
    assert.deepEqual(
      ofKind(scoped, 'Role', 'collector')
        .filter((r) => r.metadata.name.includes('-heartbeat-'))
        .map((r) => r.metadata.namespace),
      ['a', 'b'],
      'one heartbeat Role in each watched namespace',
    );
  });

  it('grants leases only in the release namespace (Role, not ClusterRole)', () => {
    const { role, binding } = collectorRole('-leases', [
      'coordination.k8s.io/leases:create',
      'coordination.k8s.io/leases:get',
      'coordination.k8s.io/leases:update',
    ]);
    assert.equal(binding.metadata.namespace, NS);
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: role.metadata.name,
    });
  });

  it('runs the collector with 2 replicas, in-cluster, with Lease election in the release namespace', () => {
    const d = single<Deployment>(objects, 'Deployment', 'collector');
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(containerOf(d).args, ['collector', '--config', '/etc/kube-herald/config.yaml']);
    const { doc } = configOf(objects, 'collector');
    assert.deepEqual(doc.leaderElection, {
      enabled: true,
      namespace: NS,
      leaseName: 'kube-herald-collector',
      leaseDuration: '15s',
    });
    assert.deepEqual(doc.kubernetes, { inCluster: true, api: 'events.k8s.io/v1', namespaces: [] });
    assert.deepEqual(doc.http, { port: 8080 });
    const podName = containerOf(d).env?.find((e) => e.name === 'POD_NAME');
    assert.equal(podName?.valueFrom?.fieldRef?.fieldPath, 'metadata.name', 'POD_NAME is the Lease identity');
  });

  it('runs the notifier from a config whose routes and receivers come from values', () => {
    const d = single<Deployment>(objects, 'Deployment', 'notifier');
    assert.deepEqual(containerOf(d).args, ['notifier', '--config', '/etc/kube-herald/config.yaml']);
    assert.equal(d.spec.template.spec.automountServiceAccountToken, false);
    const { doc } = configOf(objects, 'notifier');
    assert.deepEqual(doc.receivers, [{ ...ONCALL, msgType: 'markdown' }]);
    assert.equal((doc.route as { receiver: string }).receiver, 'oncall');
    assert.deepEqual((doc.kafka as Record<string, unknown>).dlqTopic, 'kube-events.dlq');
  });

  it('the metrics Services select the pods and target their http port', () => {
    for (const component of ['collector', 'notifier']) {
      const svc = single<Service>(objects, 'Service', component);
      const d = single<Deployment>(objects, 'Deployment', component);
      assert.deepEqual(svc.spec.selector, d.spec.selector.matchLabels);
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) {
        assert.equal(d.spec.template.metadata.labels?.[k], v);
      }
      assert.deepEqual(svc.spec.ports, [
        { name: 'http-metrics', port: 8080, targetPort: 'http', protocol: 'TCP' },
      ]);
    }
  });
});

describe('helm chart: every values file', () => {
  for (const file of [undefined, ...ciFiles]) {
    const objects = renderChart({ valuesFiles: file ? [file] : [] });
    const deployments = ofKind<Deployment>(objects, 'Deployment');

    it(`hardens every pod and container (${file ?? 'defaults'})`, () => {
      assert.ok(deployments.length > 0);
      for (const d of deployments) {
        const pod = d.spec.template.spec;
        assert.equal(pod.securityContext?.runAsNonRoot, true, d.metadata.name);
        assert.deepEqual(pod.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
        const sc = containerOf(d).securityContext ?? {};
        assert.equal(sc.runAsNonRoot, true);
        assert.equal(sc.readOnlyRootFilesystem, true);
        assert.equal(sc.allowPrivilegeEscalation, false);
        assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
        assert.deepEqual(sc.seccompProfile, { type: 'RuntimeDefault' });
        const res = containerOf(d).resources;
        assert.ok(
          res?.requests?.cpu && res.requests.memory && res.limits?.memory,
          `${d.metadata.name} resources`,
        );
      }
    });

    it(`probes /healthz and /readyz on the http port (${file ?? 'defaults'})`, () => {
      for (const d of deployments) {
        const c = containerOf(d);
        assert.deepEqual(c.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
        assert.deepEqual(c.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });
        assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      }
    });

    it(`annotates pods with the sha256 of their rendered config (${file ?? 'defaults'})`, () => {
      for (const d of deployments) {
        const component = d.metadata.labels?.['app.kubernetes.io/component'] ?? '';
        const { text } = configOf(objects, component);
        // The ConfigMap holds the config as a YAML block scalar, which adds one final newline.
        const expected = createHash('sha256').update(text.replace(/\n$/, '')).digest('hex');
        assert.equal(d.spec.template.metadata.annotations?.['checksum/config'], expected, d.metadata.name);
      }
    });

    it(`keeps secret values out of ConfigMaps and renders no Secret (${file ?? 'defaults'})`, () => {
      assert.deepEqual(ofKind(objects, 'Secret'), []);
      for (const cm of ofKind<ConfigMap>(objects, 'ConfigMap')) {
        const text = JSON.stringify(cm.data);
        assert.doesNotMatch(text, /access_token|oapi\.dingtalk\.com|SEC[0-9a-f]{16}/, cm.metadata.name);
        if (cm.metadata.labels?.['grafana_dashboard']) continue;
        const doc = parse(cm.data['config.yaml'] ?? '') as Record<string, unknown>;
        const walk = (v: unknown, path: string): void => {
          if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
          else if (v && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) {
              assert.doesNotMatch(
                k,
                /^(password|secret|token|webhook|webhookUrl|url_token)$/i,
                `${path}.${k}`,
              );
              walk(x, `${path}.${k}`);
            }
          }
        };
        walk(doc, cm.metadata.name);
      }
    });
  }
});

describe('helm chart: secrets are mounted as files from existing Secrets', () => {
  const objects = renderChart({ valuesFiles: [ci('notifier-only')] });
  const d = single<Deployment>(objects, 'Deployment', 'notifier');
  const pod = d.spec.template.spec;
  const c = containerOf(d);
  const { doc } = configOf(objects, 'notifier');
  const fileOf = (path: string): { secret: string; key: string } => {
    const dir = path.slice(0, path.lastIndexOf('/'));
    const base = path.slice(path.lastIndexOf('/') + 1);
    const mount = c.volumeMounts?.find((m) => m.mountPath === dir);
    assert.ok(mount, `no mount at ${dir}`);
    assert.equal(mount.readOnly, true);
    const vol = pod.volumes?.find((v) => v.name === mount.name);
    assert.ok(vol?.secret, `${mount.name} is a Secret volume`);
    const item = vol.secret.items?.find((i) => i.path === base);
    assert.ok(item, `Secret ${vol.secret.secretName} projects ${base}`);
    return { secret: vol.secret.secretName, key: item.key };
  };

  it('mounts each receiver webhook and signing secret where the config reads it', () => {
    const receivers = doc.receivers as { name: string; webhookFile: string; secretFile?: string }[];
    assert.equal(receivers.length, 2);
    assert.deepEqual(fileOf(receivers[0]!.webhookFile), { secret: 'dingtalk-oncall', key: 'url' });
    assert.deepEqual(fileOf(receivers[0]!.secretFile!), { secret: 'dingtalk-oncall', key: 'sign-secret' });
    assert.deepEqual(fileOf(receivers[1]!.webhookFile), { secret: 'dingtalk-platform', key: 'webhook' });
    assert.equal(receivers[1]!.secretFile, undefined, 'no signing secret when secretKey is empty');
    assert.deepEqual(receivers[1], {
      name: 'platform-team',
      type: 'dingtalk',
      webhookFile: '/secrets/platform-team/webhook',
      keywords: ['K8s'],
      msgType: 'text',
      locale: 'en',
      timeZone: 'Europe/Berlin',
      ratePerMinute: 10,
    });
  });

  it('mounts the Redis password as a file and passes no secret through env', () => {
    const redis = doc.redis as { url: string; passwordFile: string };
    assert.deepEqual(fileOf(redis.passwordFile), { secret: 'kube-herald-redis', key: 'redis-password' });
    assert.equal(c.env?.filter((e) => e.valueFrom?.secretKeyRef).length, 0);
  });

  it('takes Kafka SASL credentials from the existing Secret (password as a file)', () => {
    const objs = renderChart({ valuesFiles: [ci('collector-only')] });
    const col = single<Deployment>(objs, 'Deployment', 'collector');
    const colC = containerOf(col);
    const kafka = configOf(objs, 'collector').doc.kafka as Record<string, unknown>;
    assert.equal(kafka.ssl, true);
    const sasl = kafka.sasl as { mechanism: string; username: string; passwordFile: string };
    assert.equal(sasl.mechanism, 'scram-sha-512');
    assert.equal(sasl.username, '${KH_KAFKA_SASL_USERNAME}');
    const userEnv = colC.env?.find((e) => e.name === 'KH_KAFKA_SASL_USERNAME');
    assert.deepEqual(userEnv?.valueFrom?.secretKeyRef, { name: 'kube-herald-kafka', key: 'username' });
    const dir = sasl.passwordFile.slice(0, sasl.passwordFile.lastIndexOf('/'));
    const mount = colC.volumeMounts?.find((m) => m.mountPath === dir);
    const vol = col.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
    assert.equal(vol?.secret?.secretName, 'kube-herald-kafka');
    assert.deepEqual(vol.secret.items, [{ key: 'password', path: 'password' }]);
  });

  it('always renders kafka.ssl for both services, and refuses SASL without TLS unless chosen explicitly', () => {
    for (const component of ['collector', 'notifier']) {
      const plain = configOf(renderChart(), component).doc.kafka as Record<string, unknown>;
      assert.equal(plain.ssl, false, `${component}: ssl rendered when off`);
      const tls = configOf(renderChart({ set: { 'kafka.tls': 'true' } }), component).doc.kafka as Record<
        string,
        unknown
      >;
      assert.equal(tls.ssl, true);
    }
    const saslSet = { 'kafka.sasl.enabled': 'true', 'kafka.sasl.existingSecret': 'k' };
    const refused = runHelm(templateArgs({ set: saslSet }));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /in clear/);
    const chosen = renderChart({ set: { ...saslSet, 'kafka.sasl.allowWithoutTls': 'true' } });
    const kafka = configOf(chosen, 'notifier').doc.kafka as { ssl: boolean; sasl: object };
    assert.equal(kafka.ssl, false);
    assert.ok(kafka.sasl);
  });
});

describe('helm chart: switches', () => {
  it('collector only renders no notifier object', () => {
    const objects = renderChart({ valuesFiles: [ci('collector-only')] });
    assert.equal(
      objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'notifier').length,
      0,
    );
    assert.equal(single<Deployment>(objects, 'Deployment', 'collector').spec.replicas, 2);
    const { doc } = configOf(objects, 'collector');
    assert.deepEqual(doc.cluster, { id: 'prod-hz-1', name: '杭州生产' });
    assert.deepEqual(doc.kubernetes, {
      inCluster: true,
      api: 'core/v1',
      namespaces: ['default', 'payments'],
    });
  });

  it('notifier only renders no collector object and no RBAC', () => {
    const objects = renderChart({ valuesFiles: [ci('notifier-only')] });
    assert.equal(
      objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'collector').length,
      0,
    );
    for (const kind of ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ServiceAccount']) {
      assert.deepEqual(ofKind(objects, kind), [], kind);
    }
    assert.equal(single<Deployment>(objects, 'Deployment', 'notifier').spec.replicas, 3);
  });

  it('leader election off drops the lease Role', () => {
    const objects = renderChart({ set: { 'collector.leaderElection.enabled': 'false' } });
    assert.deepEqual(
      ofKind(objects, 'Role').map((r) => r.metadata.name.includes('-heartbeat-')),
      [true],
    );
    assert.equal((configOf(objects, 'collector').doc.leaderElection as { enabled: boolean }).enabled, false);
  });

  it('a config change changes the checksum annotation', () => {
    const a = single<Deployment>(renderChart(), 'Deployment', 'notifier');
    const b = single<Deployment>(
      renderChart({ set: { 'notifier.route.groupWait': '45s' } }),
      'Deployment',
      'notifier',
    );
    assert.notEqual(
      a.spec.template.metadata.annotations?.['checksum/config'],
      b.spec.template.metadata.annotations?.['checksum/config'],
    );
  });

  it('httpPort moves the container port, the probes target and the config together', () => {
    const objects = renderChart({ set: { httpPort: '9102' } });
    for (const d of ofKind<Deployment>(objects, 'Deployment')) {
      assert.equal(containerOf(d).ports?.[0]?.containerPort, 9102);
      const component = d.metadata.labels?.['app.kubernetes.io/component'] ?? '';
      assert.deepEqual(configOf(objects, component).doc.http, { port: 9102 });
    }
  });
});

describe('helm chart: autoscaling, monitoring, network policy, dashboard', () => {
  it('scales the notifier on CPU and consumer lag, leaving replicas to the HPA', () => {
    const objects = renderChart({ valuesFiles: [ci('hpa')] });
    const hpa = single<Hpa>(objects, 'HorizontalPodAutoscaler', 'notifier');
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    const d = single<Deployment>(objects, 'Deployment', 'notifier');
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: d.metadata.name,
    });
    assert.equal(d.spec.replicas, undefined);
    assert.deepEqual(hpa.spec.metrics, [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
      {
        type: 'External',
        external: {
          metric: {
            name: 'kube_herald_notifier_group_lag',
            selector: { matchLabels: { group: 'kube-herald-notifier' } },
          },
          target: { type: 'AverageValue', averageValue: '500' },
        },
      },
    ]);
    const pods = runHelm(
      templateArgs({ valuesFiles: [ci('hpa')], set: { 'notifier.autoscaling.consumerLag.type': 'Pods' } }),
    );
    assert.notEqual(pods.code, 0, 'a Pods lag metric (replicas × the group lag) is refused');
  });

  it('scales on the group lag taken once: desired = ceil(lag / target), not replicas × lag / target (HPA arithmetic)', () => {
    const hpa = single<Hpa>(renderChart({ valuesFiles: [ci('hpa')] }), 'HorizontalPodAutoscaler');
    const lagMetric = hpa.spec.metrics.find((m) => m.type === 'External');
    assert.ok(lagMetric);
    const target = Number(lagMetric.external?.target.averageValue);
    const { minReplicas = 1, maxReplicas } = hpa.spec;
    // Kubernetes' replica calculator (pkg/controller/podautoscaler), tolerance 0.1, then min/max.
    const clamp = (n: number): number => Math.min(maxReplicas, Math.max(minReplicas, n));
    const external = (replicas: number, metricTotal: number): number => {
      const ratio = metricTotal / (target * replicas);
      return Math.abs(ratio - 1) <= 0.1 ? replicas : clamp(Math.ceil(ratio * replicas));
    };
    const podsAverage = (replicas: number, perPod: number[]): number => {
      const ratio = perPod.reduce((a, b) => a + b, 0) / perPod.length / target;
      return Math.abs(ratio - 1) <= 0.1 ? replicas : clamp(Math.ceil(ratio * replicas));
    };
    // Every replica exports the whole group's lag; the adapter's rule (README) takes it once (max).
    const settle = (step: (r: number) => number): number => {
      let replicas = minReplicas;
      for (let i = 0; i < 20; i += 1) replicas = step(replicas);
      return replicas;
    };
    const exported = (replicas: number, lag: number): number[] => Array.from({ length: replicas }, () => lag);
    for (const [lag, want] of [
      [0, 2],
      [600, 2],
      [1_600, 4],
      [3_000, 6],
      [100_000, 12],
    ] as const) {
      assert.equal(
        settle((r) => external(r, Math.max(...exported(r, lag)))),
        want,
        `group lag ${lag}, target ${target}/replica: ceil(${lag}/${target}) within ${minReplicas}..${maxReplicas}`,
      );
    }
    // what a Pods metric of the same series did: any lag above target ends at maxReplicas
    assert.equal(
      settle((r) => podsAverage(r, exported(r, 600))),
      maxReplicas,
    );
    assert.equal(external(3, 3_000), 6);
    assert.equal(podsAverage(3, exported(3, 3_000)), maxReplicas, 'ceil(3 × 3000 / 500) = 18 → 12');
  });

  it('creates a ServiceMonitor per service that selects its metrics Service port', () => {
    const objects = renderChart({ valuesFiles: [ci('monitoring')] });
    for (const component of ['collector', 'notifier']) {
      const sm = single<ServiceMonitor>(objects, 'ServiceMonitor', component);
      assert.equal(sm.metadata.labels?.release, 'prometheus');
      const svc = single<Service>(objects, 'Service', component);
      for (const [k, v] of Object.entries(sm.spec.selector.matchLabels))
        assert.equal(svc.metadata.labels?.[k], v, k);
      assert.deepEqual(sm.spec.endpoints, [
        { port: svc.spec.ports[0]!.name, path: '/metrics', interval: '15s', scrapeTimeout: '10s' },
      ]);
    }
  });

  it('limits ingress to the http port and egress to DNS plus the service ports', () => {
    const objects = renderChart({ valuesFiles: [ci('monitoring')] });
    for (const component of ['collector', 'notifier']) {
      const np = single<NetworkPolicy>(objects, 'NetworkPolicy', component);
      const d = single<Deployment>(objects, 'Deployment', component);
      assert.deepEqual(np.spec.podSelector.matchLabels, d.spec.selector.matchLabels);
      assert.deepEqual(np.spec.policyTypes, ['Ingress', 'Egress']);
      assert.deepEqual(np.spec.ingress[0]?.ports, [{ port: 'http', protocol: 'TCP' }]);
      assert.equal(np.spec.ingress[0]?.from?.length, 1);
      assert.deepEqual(np.spec.egress[0]?.ports, [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ]);
      const ports = np.spec.egress[1]?.ports?.map((p) => p.port);
      assert.ok(ports?.includes(9092), `${component} may reach Kafka`);
      assert.equal(ports?.includes(6379), component === 'notifier', 'only the notifier reaches Redis');
      assert.deepEqual(np.spec.egress[2]?.to, [{ ipBlock: { cidr: '10.0.0.0/8' } }]);
    }
  });

  it('ships the Grafana dashboard in a ConfigMap labelled for the sidecar', () => {
    const objects = renderChart({ valuesFiles: [ci('both')] });
    const cm = single<ConfigMap>(objects, 'ConfigMap', 'dashboard');
    assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
    assert.equal(cm.metadata.annotations?.grafana_folder, 'kube-herald');
    const dashboard = JSON.parse(cm.data['kube-herald.json'] ?? '') as { uid?: string; panels?: unknown[] };
    assert.equal(dashboard.uid, 'kube-herald');
    assert.ok((dashboard.panels?.length ?? 0) > 5);
  });
});

describe('helm chart: receivers of every type', () => {
  const { doc } = configOf(renderChart({ valuesFiles: [ci('receivers')] }), 'notifier');

  it("passes each type's own fields to the notifier, secrets as files", () => {
    assert.deepEqual(doc.receivers, [
      {
        ...ONCALL,
        msgType: 'actionCard',
        actionCard: { title: 'Grafana', url: 'https://grafana.example.com/d/kh' },
      },
      {
        name: 'audit',
        type: 'webhook',
        webhookFile: '/secrets/audit/webhook',
        secretFile: '/secrets/audit/secret',
        locale: 'en',
        timeZone: 'UTC',
        ratePerMinute: 120,
      },
      {
        name: 'wecom-ops',
        type: 'wecom',
        webhookFile: '/secrets/wecom-ops/webhook',
        msgType: 'text',
        mentions: { mobiles: ['13800000000'], atAll: true },
      },
      {
        name: 'feishu-ops',
        type: 'feishu',
        webhookFile: '/secrets/feishu-ops/webhook',
        secretFile: '/secrets/feishu-ops/secret',
        msgType: 'interactive',
        keywords: ['K8s'],
        mentions: { userIds: ['ou_0123456789abcdef'], fromLabel: 'team.example.com/feishu' },
        ratePerSecond: 2,
      },
      {
        name: 'slack-ops',
        type: 'slack',
        webhookFile: '/secrets/slack-ops/webhook',
        format: 'blocks',
        mentions: { users: ['U0123ABCD'], here: true },
        ratePerMinute: 30,
      },
    ]);
  });
});

/** `--set` pairs for one receiver named oncall (a list set with --set replaces the whole list). */
function receiverSet(fields: Record<string, string>): Record<string, string> {
  const base = { name: 'oncall', existingSecret: 'robot', ...fields };
  return Object.fromEntries(Object.entries(base).map(([k, v]) => [`notifier.receivers[0].${k}`, v]));
}

describe('helm chart: values are validated', () => {
  const failing: [string, Record<string, string>, RegExp][] = [
    ['a typo at the top level', { colector: 'null' }, /colector/],
    ['a typo in collector', { 'collector.replicaCout': '3' }, /replicaCout/],
    ['a typo in autoscaling', { 'notifier.autoscalling.enabled': 'true' }, /autoscalling/],
    ['a typo in a route', { 'notifier.route.groupWiat': '10s' }, /groupWiat/],
    [
      'a secret value in a receiver',
      { 'notifier.receivers[0].webhook': 'https://x/robot/send?access_token=abc' },
      /webhook/,
    ],
    ['an unknown events API', { 'collector.kubernetes.api': 'v2' }, /api/],
    [
      'a DingTalk field on a webhook receiver',
      receiverSet({ type: 'webhook', 'keywords[0]': 'K8s' }),
      /invalid propertyName 'keywords'/,
    ],
    ['an unknown receiver type', receiverSet({ type: 'teams' }), /receivers\/0\/type/],
    [
      'a signing secret for a WeCom robot (the key in its URL is its only secret)',
      receiverSet({ type: 'wecom', secretKey: 'secret' }),
      /secretKey/,
    ],
    [
      'a signing secret for a Slack webhook (the URL is its only secret)',
      receiverSet({ type: 'slack', secretKey: 'secret' }),
      /secretKey/,
    ],
    [
      'a Feishu bot above its 5 messages a second',
      receiverSet({ type: 'feishu', ratePerSecond: '6' }),
      /maximum: got 6, want 5/,
    ],
    [
      'a DingTalk robot above its 20 messages a minute',
      receiverSet({ type: 'dingtalk', ratePerMinute: '30' }),
      /maximum: got 30, want 20/,
    ],

    ['a bad duration', { 'collector.maxEventAge': 'one hour' }, /maxEventAge/],
    ['a bad broker address', { 'kafka.brokers[0]': 'kafka' }, /brokers/],
    ['a bad groupBy label', { 'notifier.route.groupBy[0]': 'pod' }, /groupBy/],
    [
      'SASL without its Secret',
      { 'kafka.sasl.enabled': 'true', 'kafka.tls': 'true' },
      /kafka\.sasl\.existingSecret is required/,
    ],
    [
      'two receivers with one name',
      Object.fromEntries(
        [0, 1].flatMap((i) => [
          [`notifier.receivers[${i}].name`, 'oncall'],
          [`notifier.receivers[${i}].type`, 'dingtalk'],
          [`notifier.receivers[${i}].existingSecret`, `robot-${i}`],
        ]),
      ),
      /duplicate receiver name/,
    ],
  ];
  for (const [what, set, message] of failing) {
    it(`rejects ${what}`, () => {
      const args = ['template', 'kh', CHART_DIR];
      for (const [k, v] of Object.entries(set)) args.push('--set', `${k}=${v}`);
      const res = runHelm(args);
      assert.notEqual(res.code, 0, `helm template accepted ${JSON.stringify(set)}`);
      assert.match(res.stderr, message);
    });
  }

  it('accepts the same values spelt right', () => {
    const res = runHelm(['template', 'kh', CHART_DIR, '--set', 'collector.replicaCount=3']);
    assert.equal(res.code, 0, res.stderr);
  });
});
