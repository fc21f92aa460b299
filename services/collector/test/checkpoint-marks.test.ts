import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHECKPOINT_HEADER,
  decodePositions,
  decodeStamped,
  encodePositions,
  encodeStamped,
  type OutboundRecord,
} from '../src/index.js';
import { testQueue, waitFor } from './helpers.js';

const rec = (): OutboundRecord => ({ key: 'c/ns/uid', value: Buffer.from('{}'), headers: { schema: 'v1' } });

describe('checkpoint positions', () => {
  it('a position becomes safe only once every record before it is acknowledged; records carry the safe ones', async () => {
    const sent: OutboundRecord[][] = [];
    let fail = false;
    let calls = 0;
    let release: () => void = () => undefined;
    const publisher = {
      async publish(_t: string, records: readonly OutboundRecord[]) {
        calls++;
        await new Promise<void>((r) => (release = r));
        if (fail) throw new Error('down');
        sent.push([...records]);
      },
    };
    const queue = testQueue(publisher, {
      checkpointHeader: CHECKPOINT_HEADER,
      retryBaseMs: 10,
      maxInFlight: 1,
    });
    queue.start();
    queue.mark({ scope: '*', rv: '1' }); // nothing before it: safe at once
    assert.deepEqual(queue.safePositions(), { '*': '1' });
    queue.push(0, rec());
    queue.mark({ scope: '*', rv: '2' });
    queue.mark({ scope: 'ns', rv: '3' });
    assert.deepEqual(queue.safePositions(), { '*': '1' }, 'record 1 not acknowledged yet');
    await waitFor('in flight', () => calls === 1);
    fail = true;
    release(); // the first attempt fails: nothing becomes safe
    await waitFor('retried', () => calls === 2);
    assert.deepEqual(queue.safePositions(), { '*': '1' });
    fail = false;
    await waitFor('resent', () => {
      release();
      return sent.length === 1;
    });
    assert.deepEqual(queue.safePositions(), { '*': '2', ns: '3' });
    assert.equal(sent[0]?.[0]?.headers[CHECKPOINT_HEADER], '*=1', 'stamped with what was safe when sent');
    assert.equal(sent[0]?.[0]?.headers.schema, 'v1', 'other headers kept');
    queue.push(0, rec());
    await waitFor('second', () => {
      release();
      return sent.length === 2;
    });
    assert.deepEqual(decodePositions(sent[1]?.[0]?.headers[CHECKPOINT_HEADER]), { '*': '2', ns: '3' });
    queue.push(0, rec());
    queue.mark({ scope: '*', rv: '9' });
    queue.discard('leadership_lost');
    assert.deepEqual(queue.safePositions(), { '*': '2', ns: '3' }, 'a discarded record never makes 9 safe');
    await queue.close();
  });

  it('encodes positions and stamped Lease values reversibly, rejects malformed ones', () => {
    const p = { '*': '123', 'team-a': 'x;y=z' };
    assert.deepEqual(decodePositions(encodePositions(p)), p);
    assert.deepEqual(decodeStamped(encodeStamped(42, p)), { at: 42, positions: p });
    for (const bad of ['', 'a', '=1', 'a=', 'a=%zz']) assert.equal(decodePositions(bad), undefined, bad);
    assert.equal(decodeStamped('no-bar'), undefined);
  });
});
