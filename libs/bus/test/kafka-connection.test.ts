// Unit tests of the subscriber's connection handling: when a failure needs a rejoin, and the socket
// tracker that closes what kafkajs leaves open (a connect racing disconnect()).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { kafkaBrokers } from '@kube-herald/testing';
import { createSocketTracker } from '../src/kafka-client.js';
import { needsRejoin } from '../src/kafka-subscriber.js';

// kafkajs is CommonJS: its error classes are not found as named ESM exports.
const { KafkaJSBrokerNotFound, KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;
// kafkajs' typings leave out the constructor arguments its own code passes.
type ErrorClass = new (...args: unknown[]) => Error;
const make = (cls: unknown, ...args: unknown[]): Error => new (cls as ErrorClass)(...args);

describe('needsRejoin', () => {
  it('a lost coordinator (broker gone from the metadata), even wrapped by the retrier, needs a rejoin', () => {
    const lost = make(KafkaJSBrokerNotFound, 'Broker 1 not found in the cached metadata');
    assert.equal(needsRejoin(lost), true);
    assert.equal(needsRejoin(make(KafkaJSNonRetriableError, lost, { cause: lost })), true);
    assert.equal(needsRejoin(new Error('socket hang up')), true);
  });

  it('errors kafkajs answers by rejoining itself do not (no second rejoin on top of its own)', () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION']) {
      const err = Object.assign(make(KafkaJSProtocolError, 'protocol error'), { type });
      assert.equal(needsRejoin(err), false, type);
      assert.equal(
        needsRejoin(make(KafkaJSNonRetriableError, err, { cause: err })),
        false,
        `${type} wrapped`,
      );
    }
  });
});

describe('socket tracker', () => {
  const accepted: Socket[] = [];
  const server = createServer((s) => accepted.push(s));
  let port = 0;
  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
  });
  after(async () => {
    for (const s of accepted) s.destroy();
    server.close();
    await once(server, 'close');
  });

  const open = (tracker: ReturnType<typeof createSocketTracker>): Promise<Socket> =>
    new Promise((resolve) => {
      const s: Socket = tracker.socketFactory({
        host: '127.0.0.1',
        port,
        ssl: false as unknown as never,
        onConnect: () => resolve(s),
      });
    });

  it('release() fails the sockets still open (kafkajs hears an error) and counts them; ended ones are only closed', async () => {
    const tracker = createSocketTracker();
    const a = await open(tracker);
    const b = await open(tracker);
    const c = await open(tracker);
    const errors: Socket[] = [];
    for (const s of [a, b, c]) s.on('error', () => errors.push(s));
    b.destroy();
    await once(b, 'close');
    c.end(); // ended by kafkajs, waiting for the broker's side: destroyed quietly, not counted
    const aClosed = new Promise((resolve) => a.once('close', resolve)); // once() would reject on 'error'
    assert.equal(tracker.release(), 1);
    await aClosed;
    assert.equal(a.destroyed, true);
    assert.equal(c.destroyed, true);
    // kafkajs only listens for 'error' and 'end': an error is what makes it drop the connection's timers.
    assert.deepEqual(errors, [a]);
  });

  it('a socket opened after release() is destroyed at once, so nothing keeps the process alive', async () => {
    const tracker = createSocketTracker();
    tracker.release();
    const late = tracker.socketFactory({
      host: '127.0.0.1',
      port,
      ssl: false as unknown as never,
      onConnect: () => undefined,
    });
    let failed = false;
    late.on('error', () => (failed = true));
    await sleep(50);
    assert.equal(late.destroyed, true);
    assert.equal(failed, true, 'kafkajs hears an error, so its connect() fails instead of waiting');
    assert.equal(tracker.release(), 0);
  });
});

describe('closing', () => {
  it('a process that closed its subscriber, publisher and admin exits by itself', async () => {
    const script = fileURLToPath(new URL('./fixtures/close-and-exit.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
      env: { ...process.env, KH_KAFKA_BROKERS: kafkaBrokers().join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = new AbortController();
    const outcome = await Promise.race([
      exited,
      sleep(60_000, 'still running' as const, { signal: deadline.signal }).catch(() => 'exited' as const),
    ]);
    deadline.abort();
    if (outcome === 'still running') child.kill('SIGKILL');
    assert.equal(outcome, 0, `exit of the child (stderr: ${err.slice(-2000)})`);
    assert.match(out, /read 30/);
  });
});
