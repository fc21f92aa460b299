import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventPublisher, OutboundRecord } from '../src/index.js';
import { testQueue, waitFor } from './helpers.js';

const record = (bytes: number): OutboundRecord => ({
  key: 'c/ns/uid',
  value: Buffer.alloc(bytes, 0x61),
  headers: {},
});

/** A publisher whose publishes wait until `release()`; remembers what each carried. */
function gatedPublisher(): EventPublisher & { calls: number; batches: number[]; release(): Promise<void> } {
  let open: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (open = resolve));
  const p = {
    calls: 0,
    batches: [] as number[],
    async publish(_topic: string, records: readonly OutboundRecord[]) {
      p.calls += 1;
      await gate;
      p.batches.push(records.length);
    },
    /** Lets the publish in flight (waited for) complete. */
    async release() {
      const n = p.batches.length;
      await waitFor('a publish in flight', () => p.calls > n);
      open();
      gate = new Promise<void>((resolve) => (open = resolve));
    },
  };
  return p;
}

describe('publish queue', () => {
  it('is full at capacityBytes well before capacity records, and reads again at half of both', async () => {
    const publisher = gatedPublisher();
    const events: string[] = [];
    const queue = testQueue(publisher, {
      capacityBytes: 1000,
      maxBatchRecords: 1,
      maxInFlight: 1,
      onFull: () => events.push(`full at ${queue.size} records, ${queue.bytes} bytes`),
      onDrain: () => events.push(`drained to ${queue.size} records, ${queue.bytes} bytes`),
    });
    queue.start();
    for (let i = 0; i < 3; i++) queue.push(Date.now(), record(400));
    assert.deepEqual(events, ['full at 3 records, 1200 bytes']);
    const late = queue.push(Date.now()); // a slot still waiting for its enrichment counts when filled
    queue.fill(late, record(10));
    assert.equal(queue.bytes, 1210);
    await publisher.release(); // first record acknowledged: 810 bytes, still above half
    await waitFor('first ack', () => queue.bytes === 810);
    assert.equal(events.length, 1);
    await publisher.release(); // 410 bytes ≤ 500 and 2 records ≤ 50: read again
    await waitFor('drained', () => events.length === 2);
    assert.equal(events[1], 'drained to 2 records, 410 bytes');
    await publisher.release();
    await publisher.release();
    await waitFor('empty', () => queue.size === 0 && queue.bytes === 0);
    assert.deepEqual(publisher.batches, [1, 1, 1, 1]);
    await queue.close();
  });

  it('sends at once when idle; what arrives while a request is in flight goes in the next one', async () => {
    const publisher = gatedPublisher();
    const queue = testQueue(publisher);
    queue.start();
    queue.push(Date.now(), record(10));
    await waitFor('the first record sent at once', () => publisher.calls === 1);
    for (let i = 0; i < 4; i++) queue.push(Date.now(), record(10));
    await sleep(50);
    assert.equal(publisher.calls, 1, 'no request per record while one is in flight');
    await publisher.release();
    await waitFor('the next request', () => publisher.calls === 2);
    await publisher.release();
    await waitFor('empty', () => queue.size === 0);
    assert.deepEqual(publisher.batches, [1, 4]);
    await queue.close();
  });

  it('with lingerMs, the first record waits for others to share its request; a full batch does not wait', async () => {
    const publisher = gatedPublisher();
    const queue = testQueue(publisher, { lingerMs: 400, maxBatchRecords: 3 });
    queue.start();
    const first = Date.now();
    queue.push(first, record(10));
    await sleep(100);
    queue.push(Date.now(), record(10));
    await sleep(100);
    assert.equal(publisher.calls, 0, 'nothing sent before the first record has waited lingerMs');
    await waitFor('the lingered request', () => publisher.calls === 1);
    assert.ok(Date.now() - first >= 400, 'sent no earlier than lingerMs after the first record');
    await publisher.release();
    const full = Date.now();
    for (let i = 0; i < 3; i++) queue.push(Date.now(), record(10));
    await waitFor('the full batch', () => publisher.calls === 2);
    assert.ok(Date.now() - full < 400, 'a full batch does not linger');
    await publisher.release();
    await waitFor('empty', () => queue.size === 0);
    assert.deepEqual(publisher.batches, [2, 3]);
    await queue.close();
  });

  it('keeps full batches in flight behind the first (a burst is not held back)', async () => {
    const publisher = gatedPublisher();
    const queue = testQueue(publisher, { maxBatchRecords: 2 });
    queue.start();
    queue.push(Date.now(), record(10));
    await waitFor('the first record sent at once', () => publisher.calls === 1);
    for (let i = 0; i < 5; i++) queue.push(Date.now(), record(10));
    await waitFor('two full batches behind it', () => publisher.calls === 3);
    await sleep(50);
    assert.equal(publisher.calls, 3, 'the fifth record waits: 3 in flight, and it is no full batch');
    await publisher.release();
    await waitFor('the last record sent', () => publisher.calls === 4);
    await publisher.release();
    await waitFor('empty', () => queue.size === 0);
    assert.deepEqual(publisher.batches, [1, 2, 2, 1]);
    await queue.close();
  });
});
