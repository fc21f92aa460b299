import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { createLogger } from '@kube-herald/logging';
import { runUntilSignal } from '../src/index.js';

const log = createLogger({ name: 'test', level: 'silent' });

test('runUntilSignal: starts, waits for SIGTERM, closes in reverse start order; code 0', async () => {
  const seen: string[] = [];
  const listeners = process.listenerCount('SIGTERM');
  let started = (): void => undefined;
  const up = new Promise<void>((r) => (started = r));
  const run = runUntilSignal({
    name: 'svc',
    log,
    deadlineMs: 1_000,
    start: async (closers) => {
      for (const part of ['a', 'b', 'c']) {
        closers.add(part, () => Promise.resolve(void seen.push(`close ${part}`)));
        await sleep(1);
        seen.push(`start ${part}`);
      }
      started();
    },
  });
  await up;
  await sleep(10); // its start has settled
  assert.deepEqual(seen, ['start a', 'start b', 'start c']);
  process.emit('SIGTERM');
  const outcome = await run;
  assert.deepEqual(outcome, { code: 0, reason: 'SIGTERM', startedFully: true });
  assert.deepEqual(seen.slice(3), ['close c', 'close b', 'close a']);
  assert.equal(process.listenerCount('SIGTERM'), listeners, 'its signal listeners are removed');
});

test('runUntilSignal: a stop during start waits for the start, then closes what runs', async () => {
  const closed: string[] = [];
  let release = (): void => undefined;
  const outcome = await runUntilSignal({
    name: 'svc',
    log,
    deadlineMs: 1_000,
    signals: [],
    stop: Promise.resolve('duration'),
    start: async (closers) => {
      closers.add('a', () => Promise.resolve(void closed.push('a')));
      await new Promise<void>((r) => {
        release = r;
        setTimeout(r, 30);
      });
      closers.add('b', () => Promise.resolve(void closed.push('b')));
    },
  });
  release();
  assert.deepEqual(outcome, { code: 0, reason: 'duration', startedFully: false });
  assert.deepEqual(closed, ['b', 'a']);
});

test('runUntilSignal: a failed start takes its code and closes what already runs', async () => {
  const closed: string[] = [];
  const outcome = await runUntilSignal({
    name: 'svc',
    log,
    deadlineMs: 1_000,
    signals: [],
    start: (closers) => {
      closers.add('a', () => Promise.resolve(void closed.push('a')));
      return Promise.reject(Object.assign(new Error('no topic'), { code: 'TOPIC_MISSING' }));
    },
    exitCodeOf: (err) => ((err as { code?: string }).code === 'TOPIC_MISSING' ? 2 : 1),
  });
  assert.deepEqual(outcome, { code: 2, reason: undefined, startedFully: false });
  assert.deepEqual(closed, ['a']);
});

test('runUntilSignal: a failed close step makes the code 1, the others still close; the deadline ends a stuck close', async () => {
  const closed: string[] = [];
  const failing = await runUntilSignal({
    name: 'svc',
    log,
    deadlineMs: 1_000,
    signals: [],
    stop: Promise.resolve('stop'),
    start: (closers) => {
      closers.add('a', () => Promise.resolve(void closed.push('a')));
      closers.add('b', () => Promise.reject(new Error('boom')));
      return Promise.resolve();
    },
  });
  assert.equal(failing.code, 1);
  assert.deepEqual(closed, ['a']);

  const t0 = Date.now();
  const stuck = await runUntilSignal({
    name: 'svc',
    log,
    deadlineMs: 100,
    signals: [],
    stop: Promise.resolve('stop'),
    start: (closers) => {
      closers.add('stuck', () => new Promise<void>(() => undefined));
      return Promise.resolve();
    },
  });
  assert.equal(stuck.code, 0);
  assert.ok(Date.now() - t0 < 1_000, 'ended at its deadline');
});
