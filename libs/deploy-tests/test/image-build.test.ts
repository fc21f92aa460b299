import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKafkaAdmin } from '@kube-herald/bus';
import { repoRoot, reproduceImageBuild, type ImageBuild } from '@kube-herald/deploy-tests';
import { createKubeStandin, type KubeStandin } from '@kube-herald/kube-standin';
import { createLogger } from '@kube-herald/logging';
import { kafkaBrokers, uniqueName, waitFor } from '@kube-herald/testing';

// The container image's build reproduced without a Docker engine (src/image-build.ts): the build context
// as .dockerignore filters it, the Dockerfile's COPY and RUN steps in order in a scratch folder, then the
// image's command run from the runtime stage, which has production dependencies only.
// Reproduce: bash scripts/run-tests.sh libs/deploy-tests/test/image-build.test.ts (a few minutes: two npm ci).
const root = repoRoot();
const quiet = createLogger({ name: 'image-build-test', level: 'fatal' });

describe('container image build (Dockerfile reproduced step by step)', () => {
  let dir: string;
  let image: ImageBuild;
  let standin: KubeStandin | undefined;

  before(() => {
    dir = mkdtempSync(join(root, '.run', 'image-build-'));
    image = reproduceImageBuild(root, dir);
  });
  after(async () => {
    await standin?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The image's entrypoint without tini (an OS package), as the image runs it. */
  const runImage = (args: readonly string[], env: Record<string, string> = {}) => {
    const entry = image.entrypoint.filter((a) => a !== '/usr/bin/tini' && a !== '--');
    assert.deepEqual(entry, ['/usr/local/bin/kube-herald']);
    return {
      file: join(image.runtimeRoot, entry[0]!),
      args: [...args],
      options: {
        cwd: image.workdir,
        env: {
          PATH: `${join(process.execPath, '..')}:/usr/bin:/bin`,
          HOME: dir,
          ...image.env,
          ...env,
        },
      },
    };
  };

  it('builds: every COPY source is in the context, every RUN succeeds, only OS-level steps are skipped', () => {
    assert.equal(image.skipped.length, 2, image.skipped.join('\n'));
    assert.match(image.skipped[0]!, /apt-get install[^\n]*tini/);
    assert.match(image.skipped[1]!, /npm cache clean/);
    const compiled = join(dir, 'build/src/services/cli/dist/src/main.js');
    assert.ok(existsSync(compiled), 'the CLI is compiled in the build stage');
    process.stdout.write(
      `# image build steps (s): ${image.timings.map((t) => `${t.step.split(' ').slice(0, 3).join(' ')}=${t.seconds.toFixed(0)}`).join(', ')}\n`,
    );
  });

  it('ships compiled JavaScript and production dependencies only (no tsx, no TypeScript, no sources)', () => {
    const app = image.workdir;
    for (const dev of ['tsx', 'typescript', 'eslint', 'prettier'])
      assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} is a dev dependency`);
    assert.ok(existsSync(join(app, 'node_modules/kafkajs')), 'kafkajs is a production dependency');
    assert.ok(existsSync(join(app, 'services/collector/dist/src/main.js')));
    assert.ok(!existsSync(join(app, 'services/collector/src')), 'no TypeScript sources');
  });

  it('runs its CMD: kube-herald --help', () => {
    const run = runImage(image.cmd);
    const res = spawnSync(run.file, run.args, { ...run.options, encoding: 'utf8', timeout: 60_000 });
    assert.equal(res.status, 0, res.stderr);
    // every command docker-compose.yml runs from this image
    for (const command of ['collector', 'notifier', 'dingtalk-standin'])
      assert.match(res.stdout + res.stderr, new RegExp(`\\b${command}\\b`), command);
  });

  it('runs a collector against the API stand-in that publishes to Kafka', async () => {
    standin = createKubeStandin({ clusterName: 'image' });
    await standin.start();
    const kubeconfig = await standin.writeKubeconfig(join(dir, 'kubeconfig'));
    const topic = uniqueName('image-build');
    const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'image-build-test', log: quiet });
    await admin.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    for (let i = 0; i < 5; i += 1)
      standin.createEvent({
        involvedObject: { kind: 'Pod', name: `p-${i}`, namespace: 'default' },
        reason: 'BackOff',
        type: 'Warning',
      });
    const config = join(dir, 'collector.yaml');
    writeFileSync(
      config,
      [
        'cluster: { id: image-test }',
        `kubernetes: { kubeconfig: ${JSON.stringify(kubeconfig)} }`,
        `kafka: { brokers: ${JSON.stringify(kafkaBrokers())}, topic: ${topic} }`,
        'leaderElection: { enabled: false }',
        'http: { host: 127.0.0.1, port: 0 }',
      ].join('\n'),
    );
    const run = runImage(['collector', '--config', config]);
    const child = spawn(run.file, run.args, { ...run.options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const offsets = await waitFor(
        async () => {
          if (child.exitCode !== null)
            throw new Error(`collector exited ${child.exitCode}: ${out.slice(-2000)}`);
          const o = await admin.endOffsets(topic);
          return o.reduce((n, p) => n + Number(p.offset), 0) >= 5 ? o : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500, what: `5 records on ${topic} from the image's collector` },
      );
      assert.ok(offsets.length === 1);
      assert.doesNotMatch(out, /"level":(5|6)0/, 'no error logged');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await admin.close();
    }
    assert.equal(child.exitCode ?? 0, 0, out.slice(-2000));
  });
});
