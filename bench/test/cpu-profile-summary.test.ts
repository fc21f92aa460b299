import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarise } from '../src/bench/cpu-profile-summary.js';

const frame = (functionName: string, url = ''): { functionName: string; url: string } => ({
  functionName,
  url,
});

test('a part counts each busy sample with its frame on the stack once; idle samples are not busy', () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 5, 6] },
      {
        id: 2,
        callFrame: frame('send', 'file:///x/node_modules/kafkajs/src/network/connection.js'),
        children: [4],
      },
      { id: 3, callFrame: frame('(idle)') },
      { id: 4, callFrame: frame('writeBuffer') },
      { id: 5, callFrame: frame('(garbage collector)') },
      { id: 6, callFrame: frame('produceTo', 'file:///x/libs/bus/dist/src/direct-sender.js') },
    ],
    samples: [4, 2, 3, 5, 3, 6],
    timeDeltas: [3000, 1000, 50_000, 1000, 50_000, 1000],
  };
  const { busyMs, parts } = summarise(profile);
  assert.equal(busyMs, 6);
  const share = (p: string): number => parts.find((x) => x.part.startsWith(p))?.share ?? -1;
  assert.equal(share('socket writes'), 3 / 6);
  assert.equal(share('produce path'), 5 / 6);
  assert.equal(share('garbage collector'), 1 / 6);
  assert.equal(share('watch receive'), 0);
});
