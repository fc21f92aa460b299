import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appendCapped,
  MESSAGE_LOG_MAX,
  createFaults,
  createFaultSpecParser,
  FAULT_LIMIT,
  createRateWindow,
  createStandinServer,
  sendJson,
} from '@kube-herald/standin-kit';

interface Spec {
  readonly mode: 'delay' | 'reset';
  readonly channel?: string;
  readonly times?: number;
  readonly probability?: number;
  readonly delayMs?: number;
  readonly retryAfterSeconds?: number;
}

test('the fault parser checks modes, the target key and the number fields it is given', () => {
  const parse = createFaultSpecParser<Spec>({
    modes: ['delay', 'reset'],
    target: 'channel',
    numbers: ['retryAfterSeconds'],
  });
  assert.equal(parse({ mode: 'http5xx' }), 'mode: one of delay, reset');
  assert.equal(parse({ mode: 'reset', channel: 3 }), 'channel: string');
  assert.equal(parse({ mode: 'reset', retryAfterSeconds: -1 }), 'retryAfterSeconds: non-negative number');
  assert.equal(parse({ mode: 'reset', probability: 2 }), 'probability: between 0 and 1');
  assert.deepEqual(parse({ mode: 'delay', channel: 'ops', delayMs: 5, robot: 'x' }), {
    mode: 'delay',
    channel: 'ops',
    delayMs: 5,
  });
});

test('the fault set holds at most FAULT_LIMIT active faults; clearing frees it', () => {
  const faults = createFaults<Spec>(() => 1, 'channel');
  for (let i = 0; i < FAULT_LIMIT; i++) faults.inject({ mode: 'reset', probability: 0 });
  assert.equal(faults.full, true);
  assert.throws(() => faults.inject({ mode: 'reset' }), /at most 1000 faults/);
  assert.equal(faults.list().length, FAULT_LIMIT);
  faults.clear();
  assert.equal(faults.full, false);
  assert.equal(typeof faults.inject({ mode: 'reset' }), 'number');
});

test('faults hit only their target and are used up after `times`', () => {
  const faults = createFaults<Spec>(() => 0, 'channel');
  faults.inject({ mode: 'reset', channel: 'ops', times: 2 });
  assert.equal(faults.take('dev'), undefined);
  assert.equal(faults.take('ops')?.mode, 'reset');
  assert.equal(faults.take('ops')?.remaining, 0);
  assert.equal(faults.take('ops'), undefined);
  assert.deepEqual(faults.list(), []);
});

test('the rate window counts the given window and keeps its maximum', () => {
  const w = createRateWindow(1000);
  for (const t of [0, 100, 200, 1150]) w.record(t);
  assert.equal(w.count(1150), 2);
  assert.equal(w.max, 3);
  assert.equal(w.total, 4);
  assert.equal(createRateWindow().count(0), 0);
});

test('the stand-in server answers 500 when a route throws and closes idempotently', async () => {
  let closed = 0;
  const server = createStandinServer({
    platform: 'test',
    route: (req, res) => {
      if (req.url === '/boom') return Promise.reject(new Error('boom'));
      sendJson(res, 200, { ok: true });
      return Promise.resolve();
    },
    onClose: () => (closed += 1),
  });
  const { url } = await server.start();
  assert.equal((await server.start()).url, url);
  assert.equal(server.baseUrl, url);
  assert.deepEqual(await (await fetch(`${url}/x`)).json(), { ok: true });
  const boom = await fetch(`${url}/boom`);
  assert.equal(boom.status, 500);
  assert.deepEqual(await boom.json(), { error: 'internal error' });
  await Promise.all([server.close(), server.close()]);
  assert.equal(closed, 1);
});

test('a message log keeps the newest MESSAGE_LOG_MAX entries and says how many it dropped', () => {
  const log: number[] = [];
  let dropped = 0;
  for (let i = 0; i < MESSAGE_LOG_MAX + 25; i++) dropped += appendCapped(log, i);
  assert.equal(log.length, MESSAGE_LOG_MAX);
  assert.equal(dropped, 25);
  assert.equal(log[0], 25);
  assert.equal(log.at(-1), MESSAGE_LOG_MAX + 24);
  const small: string[] = [];
  assert.equal(appendCapped(small, 'a', 2), 0);
  assert.equal(appendCapped(small, 'b', 2), 0);
  assert.equal(appendCapped(small, 'c', 2), 1);
  assert.deepEqual(small, ['b', 'c']);
});
