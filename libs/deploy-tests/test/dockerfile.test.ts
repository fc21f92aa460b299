import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CHART_DIR, parseDockerfile, repoRoot, type Stage } from '@kube-herald/deploy-tests';

const root = repoRoot();

const { args, stages } = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const build = stages.find((s) => s.name === 'build');
const runtime = stages.at(-1)!;
const all = (s: Stage | undefined, op: string): string[] =>
  (s?.instructions ?? []).filter((i) => i.op === op).map((i) => i.args);

describe('Dockerfile', () => {
  it('is multi-stage on node:<version>-slim, the Node version the project pins', () => {
    assert.ok(stages.length >= 2, 'at least a build and a runtime stage');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    assert.equal(args.get('NODE_VERSION'), pkg.devDependencies.node);
    assert.match(args.get('NODE_VERSION') ?? '', /^24\.\d+\.\d+$/);
    for (const s of stages) assert.equal(s.from, 'node:${NODE_VERSION}-slim');
    assert.ok(build, 'a stage named build');
    assert.notEqual(runtime, build);
  });

  it('compiles in the build stage and installs production dependencies only in the runtime stage', () => {
    const buildRuns = all(build, 'RUN').join('\n');
    assert.match(buildRuns, /\bnpm ci\b/);
    assert.match(buildRuns, /\bnpx tsc -b\b/);
    const runtimeRuns = all(runtime, 'RUN').join('\n');
    assert.match(runtimeRuns, /\bnpm ci --omit=dev\b/);
    assert.doesNotMatch(runtimeRuns, /\btsc\b/);
    assert.ok(
      all(runtime, 'COPY').some((c) => c.startsWith('--from=build ')),
      'runtime copies the build output',
    );
  });

  it('runs as a numeric non-root user, the one the chart expects', () => {
    const users = all(runtime, 'USER');
    assert.ok(users.length > 0, 'runtime sets USER');
    const last = users.at(-1)!;
    const [uid, gid] = last.split(':').map(Number);
    assert.ok(uid !== undefined && uid > 0, `USER ${last} is non-root and numeric`);
    const values = parse(readFileSync(join(root, CHART_DIR, 'values.yaml'), 'utf8')) as {
      podSecurityContext: { runAsUser: number; runAsGroup: number };
    };
    assert.equal(uid, values.podSecurityContext.runAsUser);
    assert.equal(gid, values.podSecurityContext.runAsGroup);
    const idx = runtime.instructions.findIndex((i) => i.op === 'USER');
    assert.ok(
      runtime.instructions.slice(idx).every((i) => i.op !== 'RUN'),
      'nothing runs as root after USER',
    );
  });

  it('starts the kube-herald CLI under tini installed from apt', () => {
    const runtimeRuns = all(runtime, 'RUN').join('\n');
    assert.match(runtimeRuns, /apt-get install[^\n]*\btini\b/);
    const entry = JSON.parse(all(runtime, 'ENTRYPOINT').at(-1) ?? '[]') as string[];
    assert.equal(entry[0], '/usr/bin/tini');
    assert.equal(entry[1], '--');
    assert.match(entry.at(-1) ?? '', /kube-herald(\.mjs)?$/);
    assert.match(runtimeRuns, /exec node \/app\/bin\/kube-herald\.mjs/);
    assert.ok(existsSync(join(root, 'bin/kube-herald.mjs')));
    assert.ok(all(runtime, 'COPY').some((c) => /\/src\/bin \.\/bin$/.test(c)));
    assert.deepEqual(all(runtime, 'EXPOSE'), ['8080']);
  });

  it('carries the OCI image labels', () => {
    const labels = all(runtime, 'LABEL').join(' ');
    for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'created']) {
      assert.match(labels, new RegExp(String.raw`org\.opencontainers\.image\.${key}="[^"]+"`), key);
    }
  });

  it('names no repository or site in its labels (the project publishes none)', () => {
    const labels = all(runtime, 'LABEL').join(' ');
    assert.doesNotMatch(labels, /https?:\/\//);
    assert.doesNotMatch(labels, /image\.(source|url|documentation|vendor)=/);
  });

  it('compiles with a build tsconfig that references only what is in the build context', () => {
    const buildRuns = all(build, 'RUN').join('\n');
    assert.match(buildRuns, /npx tsc -b tsconfig\.build\.json/);
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as {
      references: Array<{ path: string }>;
    };
    for (const ref of tsconfig.references) assert.match(ref.path, /^(libs|services)\//, ref.path);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, VCS and local state out of the build context', () => {
    const lines = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const want of ['.git', '**/node_modules', '**/dist', '.cache', '.run', '**/*.tsbuildinfo']) {
      assert.ok(lines.includes(want), want);
    }
    for (const needed of [
      'libs',
      'services',
      'bin',
      'package.json',
      'package-lock.json',
      'tsconfig.build.json',
    ]) {
      assert.ok(!lines.includes(needed), `${needed} is needed by the build`);
    }
  });
});
