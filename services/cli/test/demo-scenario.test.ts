import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '@kube-herald/config';
import { createKubeStandin, type KubeObject, type KubeStandin } from '@kube-herald/kube-standin';
import { createLogger } from '@kube-herald/logging';
import { createScenarioPlayer } from '../src/demo/scenario-player.js';
import { loadScenario, parseScenario } from '../src/demo/scenario-load.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const lookup = { dir: join(ROOT, 'scenarios'), cwd: ROOT };
const log = createLogger({ name: 'test', level: 'silent' });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected the scenario to be rejected');
}

const reasonsOf = (events: KubeObject[]): string[] => events.map((e) => String(e.reason));

describe('scenario engine: the short scenario played into kube-standins', () => {
  const kubes = new Map<string, KubeStandin>();
  before(async () => {
    const scenario = loadScenario('short', lookup);
    for (const c of scenario.clusters) kubes.set(c.id, createKubeStandin({ clusterName: c.id }));
    const player = createScenarioPlayer({ scenario, clusters: kubes, log, speed: 20 });
    player.start();
    await player.done;
    await player.close();
    assert.equal(player.stats().errors, 0);
  });
  after(async () => {
    for (const k of kubes.values()) await k.close();
  });

  test('objects come first: Deployment → ReplicaSet → Pods, spread over the nodes', () => {
    const hz = kubes.get('prod-hz')!;
    const dep = hz.getObject('deployments', 'payments', 'payments-api');
    assert.ok(dep);
    const events = hz.eventsCreated().filter((e) => e.reason === 'BackOff');
    assert.equal(events.length, 1);
    const inv = events[0]!.involvedObject as {
      kind: string;
      name: string;
      namespace: string;
      fieldPath: string;
    };
    assert.equal(inv.kind, 'Pod');
    assert.match(inv.name, /^payments-api-[0-9a-f]{10}-[a-z0-9]{5}$/);
    assert.equal(inv.fieldPath, 'spec.containers{api}');
    const pod = hz.getObject('pods', 'payments', inv.name)!;
    const rsRef = pod.metadata.ownerReferences?.[0];
    assert.equal(rsRef?.kind, 'ReplicaSet');
    const rs = hz.getObject('replicasets', 'payments', rsRef.name)!;
    assert.deepEqual(
      rs.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}`),
      ['Deployment/payments-api'],
    );
    assert.equal(
      events[0]!.message,
      `Back-off restarting failed container api in pod ${inv.name}_payments(${pod.metadata.uid})`,
    );
    assert.deepEqual(events[0]!.source, {
      component: 'kubelet',
      host: (pod.spec as { nodeName: string }).nodeName,
    });
    const nodes = new Set(
      ['payments-api', 'orders-api'].flatMap(() =>
        hz
          .eventsCreated()
          .filter((e) => e.reason === 'Scheduled')
          .map((e) => String(e.message).split(' to ')[1]),
      ),
    );
    assert.ok(
      nodes.has('node-1') && nodes.has('node-2'),
      `pods spread over node-1 and node-2: ${[...nodes].join(',')}`,
    );
  });

  test('a repeated event climbs: one BackOff object, count 1 → 10 (nine bumps)', () => {
    const occ = kubes
      .get('prod-hz')!
      .occurrences()
      .filter((o) => o.reason === 'BackOff');
    assert.deepEqual(
      occ.map((o) => o.count),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  test('OOMKilling on the Node from kernel-monitor; background Normal events cycle a pod start', () => {
    const hz = kubes.get('prod-hz')!.eventsCreated();
    const oom = hz.find((e) => e.reason === 'OOMKilling')!;
    assert.deepEqual(oom.involvedObject, {
      kind: 'Node',
      name: 'node-3',
      uid: (oom.involvedObject as { uid: string }).uid,
      apiVersion: 'v1',
      resourceVersion: (oom.involvedObject as { resourceVersion: string }).resourceVersion,
    });
    assert.deepEqual(oom.source, { component: 'kernel-monitor', host: 'node-3' });
    assert.equal(oom.type, 'Warning');
    const normal = reasonsOf(hz.filter((e) => e.type === 'Normal'));
    assert.deepEqual(normal.slice(0, 4), ['Scheduled', 'Pulled', 'Created', 'Started']);
    const started = hz.find((e) => e.reason === 'Started')!;
    assert.match(String(started.message), /^Started container api$/);
  });

  test('NodeNotReady: node condition Unknown, NodeNotReady on the Node and its pods, taint evictions', () => {
    const sh = kubes.get('prod-sh')!;
    const node = sh.getObject('nodes', undefined, 'node-2')!;
    assert.equal((node.status as { conditions: { status: string }[] }).conditions[0]!.status, 'Unknown');
    const events = sh.eventsCreated();
    const onNode = events.filter((e) => (e.involvedObject as { kind: string }).kind === 'Node');
    assert.deepEqual(reasonsOf(onNode), ['NodeNotReady']);
    assert.equal(onNode[0]!.message, 'Node node-2 status is now: NodeNotReady');
    const podNotReady = events.filter((e) => e.reason === 'NodeNotReady' && e.type === 'Warning');
    const evictions = events.filter((e) => e.reason === 'TaintManagerEviction');
    assert.equal(podNotReady.length, 1);
    assert.equal(evictions.length, 1);
    assert.match(String(evictions[0]!.message), /^Marking for deletion Pod risk\/risk-engine-/);
    assert.equal(events.filter((e) => e.reason === 'FailedScheduling').length, 1);
  });

  test('the storm: 400 FailedScheduling Warnings over 40 pending pods in 3 namespaces', () => {
    const hz = kubes.get('prod-hz')!;
    const occ = hz.occurrences().filter((o) => o.reason === 'FailedScheduling');
    assert.equal(occ.length, 400);
    assert.equal(new Set(occ.map((o) => o.uid)).size, 40);
    const perNs = new Map<string, Set<string>>();
    for (const o of occ) perNs.set(o.namespace, (perNs.get(o.namespace) ?? new Set()).add(o.uid));
    assert.deepEqual([...perNs].map(([ns, uids]) => [ns, uids.size]).sort(), [
      ['batch', 14],
      ['etl', 13],
      ['reports', 13],
    ]);
    for (const ns of ['batch', 'etl', 'reports']) assert.ok(hz.getObject('deployments', ns, 'report-worker'));
  });

  test('staging: ErrImagePull on every pod of web-frontend', () => {
    const st = kubes
      .get('staging')!
      .eventsCreated()
      .filter((e) => e.type === 'Warning');
    assert.deepEqual(reasonsOf(st), ['Failed', 'Failed']);
    assert.ok(st.every((e) => e.message === 'Error: ErrImagePull'));
  });
});

describe('scenario files', () => {
  test('every scenario in scenarios/ is valid', async () => {
    const files = (await readdir(lookup.dir)).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.includes('incidents.yaml') && files.includes('short.yaml'));
    for (const f of files)
      assert.equal(loadScenario(f.replace(/\.yaml$/, ''), lookup).name, f.replace(/\.yaml$/, ''));
  });

  const base = {
    name: 'bad',
    clusters: [{ id: 'prod-hz' }],
    objects: [{ cluster: 'prod-hz', nodes: ['node-1'], deployments: [{ name: 'api', namespace: 'shop' }] }],
  };

  test('schema problems come as path: message', () => {
    const problems = problemsOf(() =>
      parseScenario({
        ...base,
        duration: 'soon',
        steps: [
          { at: '1s', cluster: 'prod-hz', target: { node: 'node-1' }, event: { type: 'Fatal' } },
          { cluster: 'prod-hz', target: { pod: 'x' }, event: { reason: 'BackOff' } },
          { cluster: 'prod-hz', explode: true },
          {
            cluster: 'prod-hz',
            storm: { namespace: 'batch', prefix: 'w', objects: 0, events: 10, over: '10s', message: 'm' },
          },
        ],
      }),
    );
    assert.ok(
      problems.includes('duration: invalid duration "soon" (use e.g. 500ms, 10s, 5m, 4h, 7d)'),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('steps.0.event.reason: ')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('steps.0.event.type: ')),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes('steps.1.target: a target needs one of: node, deployment, podsOnNode, kind'),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes('steps.2: a step needs one of: event, nodeNotReady, storm, background'),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('steps.3.storm.objects: ')),
      problems.join('\n'),
    );
  });

  test('references to undeclared clusters, nodes and Deployments are reported with their paths', () => {
    const problems = problemsOf(() =>
      parseScenario({
        ...base,
        steps: [
          { cluster: 'prod-sh', nodeNotReady: 'node-1' },
          { cluster: 'prod-hz', nodeNotReady: 'node-9' },
          {
            cluster: 'prod-hz',
            target: { deployment: 'web', namespace: 'shop', pod: 0 },
            event: { reason: 'BackOff' },
          },
          { cluster: 'prod-hz', background: { deployment: 'api', every: '1s' } },
        ],
      }),
    );
    assert.deepEqual(problems, [
      'steps.0.cluster: unknown cluster "prod-sh"',
      'steps.1.nodeNotReady: unknown node "node-9" in prod-hz',
      'steps.2.target.deployment: unknown Deployment "shop/web" in prod-hz',
      'steps.3.background.deployment: unknown Deployment "default/api" in prod-hz',
    ]);
  });

  test('a file: YAML errors and problems name the file; an unknown name says it cannot be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kh-scenario-'));
    try {
      const file = join(dir, 'broken.yaml');
      await writeFile(
        file,
        'name: broken\nclusters: [{ id: prod-hz }]\nsteps:\n  - { cluster: prod-hz, nodeNotReady: 7 }\n',
      );
      const problems = problemsOf(() => loadScenario(file, lookup));
      assert.deepEqual(problems, [
        `${file}: steps.0.nodeNotReady: Invalid input: expected string, received number`,
      ]);
      await writeFile(file, 'name: [unclosed\n');
      assert.match(problemsOf(() => loadScenario(file, lookup))[0]!, /broken\.yaml: .*YAML/);
      assert.match(
        problemsOf(() => loadScenario('no-such-scenario', lookup))[0]!,
        /no-such-scenario\.yaml: cannot read scenario \(ENOENT\)$/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
