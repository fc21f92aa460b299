// Unit tests of the subscriber's connection handling: when a failure needs a rejoin, and the socket
// tracker that closes what kafkajs leaves open (a connect racing disconnect()).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
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

  it('release() destroys the sockets still open and counts those nobody ended; closed ones are gone', async () => {
    const tracker = createSocketTracker();
    const a = await open(tracker);
    const b = await open(tracker);
    const c = await open(tracker);
    b.destroy();
    await once(b, 'close');
    c.end(); // ended by kafkajs, waiting for the broker's side: destroyed, not counted
    assert.equal(tracker.release(), 1);
    assert.equal(a.destroyed, true);
    assert.equal(c.destroyed, true);
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
    await sleep(50);
    assert.equal(late.destroyed, true);
    assert.equal(tracker.release(), 0);
  });
});
