import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { createKubeStandin, type KubeStandin } from '@kube-herald/kube-standin';
import { kafkaBrokers, redisUrl, waitFor } from '@kube-herald/testing';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';

// "Real" mode: --kubeconfig and --webhook/--secret point at a cluster and a robot the demo did not start
// (here stand-ins started by the test, playing an existing cluster and a group's robot).
describe('kube-herald demo against a given cluster and robot', () => {
  let kube: KubeStandin;
  let robot: DingtalkStandin;
  let demo: ChildProcess | undefined;
  let out = '';
  let exited: Promise<number | null>;
  let dir: string;

  before(async () => {
    kafkaBrokers();
    redisUrl();
    dir = await mkdtemp(join(tmpdir(), 'kh-demo-real-'));
    kube = createKubeStandin({ clusterName: 'lab' });
    await kube.start();
    const kubeconfig = await kube.writeKubeconfig(join(dir, 'kubeconfig'));
    kube.workloads.deployment({ name: 'api', namespace: 'shop', replicas: 1 });
    robot = createDingtalkStandin({ robots: [{ name: 'mine', token: 'tok-real-mode', secret: SECRET }] });
    await robot.start();
    demo = spawn(
      process.execPath,
      [
        ...['--conditions=source', '--import', 'tsx', 'services/cli/src/entry.ts', 'demo'],
        ...['--kubeconfig', kubeconfig, '--webhook', robot.webhookFor('mine'), '--secret', SECRET],
        '--insecure-http', // the stand-in robot answers on plain http
        ...['--cluster-id', 'lab', '--duration', '5m'],
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    demo.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    demo.stderr?.on('data', (b: Buffer) => (out += b.toString()));
    const child = demo;
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => out.includes('watching the real cluster lab'), {
      timeoutMs: 180_000,
      intervalMs: 250,
      what: `the demo to start:\n${out}`,
    });
  });

  after(async () => {
    if (demo && demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGKILL');
      await exited;
    }
    await robot.close();
    await kube.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('Warnings of the cluster reach the signed robot, Normal events do not; SIGTERM stops cleanly', async () => {
    assert.equal(kube.eventsCreated().length, 0, 'the collector sees what happens from now on');
    const warning = kube.createEvent({
      involvedObject: { kind: 'Deployment', name: 'api', namespace: 'shop' },
      reason: 'ProgressDeadlineExceeded',
      type: 'Warning',
      message: 'ReplicaSet "api-5d9c7b" has timed out progressing.',
      source: { component: 'deployment-controller' },
    });
    kube.createEvent({
      involvedObject: { kind: 'Deployment', name: 'api', namespace: 'shop' },
      reason: 'ScalingReplicaSet',
      type: 'Normal',
      message: 'Scaled up replica set api-5d9c7b to 1',
      source: { component: 'deployment-controller' },
    });
    const [msg] = await waitFor(
      () => {
        const m = robot.messages('mine');
        return m.length ? m : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'a message on the robot' },
    );
    assert.match(msg!.title ?? '', /^\[lab\] ProgressDeadlineExceeded shop\/api ×1$/);
    assert.match(msg!.text, /has timed out progressing/);
    assert.ok(warning.metadata.uid);
    await sleep(12_000); // one more group wait: the Normal event must not follow
    assert.equal(robot.messages('mine').length, 1);
    assert.ok(!robot.messages().some((m) => m.text.includes('ScalingReplicaSet')));
    assert.equal(robot.stats().robots.mine?.answers['310000'] ?? 0, 0, 'every request was signed correctly');

    demo!.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(60_000, 'timeout' as const, { ref: false })]);
    assert.equal(code, 0, out.slice(-3000));
    assert.match(out, /kube-herald demo: stopped\./);
  });
});
