import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@kube-herald/logging';
import { createChildService } from '../src/demo/child-service.js';
import { freePort } from '../src/demo/free-port.js';

const log = createLogger({ name: 'test', level: 'silent' });

describe('demo child services', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kh-demo-child-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const child = (name: string, script: string, extra: { readyUrl?: string; stopDeadlineMs?: number } = {}) =>
    createChildService({
      name,
      args: ['-e', script],
      env: {},
      cwd: dir,
      logFile: join(dir, `${name}.log`),
      log,
      ...extra,
    });

  test('ready() waits for the readiness probe; close() stops with SIGTERM and keeps the output', async () => {
    const port = await freePort();
    const c = child(
      'ok',
      `const s = require('node:http').createServer((q, r) => r.end('ok'));
       setTimeout(() => s.listen(${port}, '127.0.0.1'), 300);
       console.log('hello from the child');
       process.on('SIGTERM', () => { console.log('bye'); s.close(); });`,
      { readyUrl: `http://127.0.0.1:${port}/readyz` },
    );
    c.start();
    await c.ready(10_000);
    await c.close();
    await c.close(); // idempotent
    assert.equal(await c.exited, 0);
    assert.equal(await readFile(join(dir, 'ok.log'), 'utf8'), 'hello from the child\nbye\n');
  });

  test('ready() rejects as soon as the child exits, naming its log', async () => {
    const c = child('crash', 'process.exit(3)', { readyUrl: 'http://127.0.0.1:9/readyz' });
    c.start();
    await assert.rejects(c.ready(10_000), /crash exited with code 3 \(see .*crash\.log\)/);
    assert.equal(await c.exited, 3);
    await c.close();
  });

  test('a child that ignores SIGTERM is killed after the deadline', async () => {
    const c = child(
      'stubborn',
      `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('up');`,
      {
        stopDeadlineMs: 500,
      },
    );
    c.start();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await c.close();
    assert.equal(await c.exited, null, 'killed by a signal');
    assert.ok(Date.now() - t0 >= 450, 'waited for the deadline first');
  });

  test('freePort() hands out a port nobody listens on', async () => {
    const port = await freePort();
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
});
