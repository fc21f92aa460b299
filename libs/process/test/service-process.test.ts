import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@kube-herald/logging';
import { freePort, startServiceProcess, type ProcessExit, type ServiceProcessOptions } from '../src/index.js';

const log = createLogger({ name: 'test', level: 'silent' });

describe('startServiceProcess', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kh-process-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const start = (name: string, script: string, extra: Partial<ServiceProcessOptions> = {}) =>
    startServiceProcess({
      name,
      args: ['-e', script],
      env: {},
      cwd: dir,
      logFile: join(dir, `${name}.log`),
      log,
      ...extra,
    });

  test('ready() waits for the readiness probe; stop() ends it with SIGTERM and keeps its output', async () => {
    const port = await freePort();
    const exits: [ProcessExit, boolean][] = [];
    const p = start(
      'ok',
      `const s = require('node:http').createServer((q, r) => r.end('ok'));
       setTimeout(() => s.listen(${port}, '127.0.0.1'), 300);
       console.log('hello from the child');
       console.error('to stderr');
       process.on('SIGTERM', () => { console.log('bye'); s.close(); });`,
      { readyUrl: `http://127.0.0.1:${port}/readyz`, onExit: (e, requested) => exits.push([e, requested]) },
    );
    assert.ok(p.pid);
    await p.ready(10_000);
    assert.equal(p.running(), true);
    await Promise.all([p.stop(5000), p.stop(5000)]); // idempotent
    await p.stop(5000);
    assert.equal(p.running(), false);
    assert.deepEqual(await p.exited, { code: 0, signal: null });
    assert.deepEqual(exits, [[{ code: 0, signal: null }, true]]);
    assert.equal(await readFile(join(dir, 'ok.log'), 'utf8'), 'hello from the child\nto stderr\nbye\n');
  });

  test('ready() rejects as soon as the child exits, naming its log; the exit was not requested', async () => {
    let requested: boolean | undefined;
    const p = start('crash', 'process.exit(3)', {
      readyUrl: 'http://127.0.0.1:9/readyz',
      onExit: (_, r) => (requested = r),
    });
    const t0 = Date.now();
    await assert.rejects(p.ready(10_000), /crash exited with code 3 \(see .*crash\.log\)/);
    assert.ok(Date.now() - t0 < 5000);
    assert.deepEqual(await p.exited, { code: 3, signal: null });
    assert.equal(requested, false);
    await p.stop(1000); // nothing left to stop
  });

  test('a child that ignores SIGTERM is killed after the deadline', async () => {
    const p = start(
      'stubborn',
      `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('up');`,
    );
    await p.ready(10_000);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await p.stop(500);
    assert.deepEqual(await p.exited, { code: null, signal: 'SIGKILL' });
    assert.ok(Date.now() - t0 >= 450, 'waited for the deadline first');
  });

  test('kill9() kills at once, as requested', async () => {
    let requested: boolean | undefined;
    const p = start('killed', `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`, {
      onExit: (_, r) => (requested = r),
    });
    await new Promise((r) => setTimeout(r, 300));
    await p.kill9();
    assert.deepEqual(await p.exited, { code: null, signal: 'SIGKILL' });
    assert.equal(requested, true);
  });

  test('the child gets exactly the given environment', async () => {
    const p = start(
      'env',
      `console.log(JSON.stringify(Object.keys(process.env).filter((k) => k.startsWith('KH_'))))`,
      {
        env: { KH_ONLY: '1', PATH: '/usr/bin:/bin' },
      },
    );
    await p.exited;
    assert.equal(await readFile(join(dir, 'env.log'), 'utf8'), '["KH_ONLY"]\n');
  });

  test('a child that cannot start ends with code -1', async () => {
    const p = start('nowhere', '0', { cwd: join(dir, 'missing') });
    assert.deepEqual(await p.exited, { code: -1, signal: null });
    await assert.rejects(p.ready(1000), /nowhere exited with code -1/);
  });
});
