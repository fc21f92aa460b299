import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { redisUrl, uniqueName } from '@kube-herald/testing';
import { cli } from './cli-harness.js';

const prefix = uniqueName('khsil');
after(async () => {
  const redis = new Redis(redisUrl());
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

test('silence add, list and expire in Redis; bad matchers exit 1, unreachable Redis exits 2', async () => {
  const at = ['--redis', redisUrl(), '--prefix', prefix];
  const add = await cli([
    'silence',
    'add',
    '--match',
    'cluster=prod-.*',
    '--match',
    'reason!=Pulled',
    '--for',
    '2h',
    '--by',
    'alice',
    '--why',
    'rollout',
    ...at,
  ]);
  assert.equal(add.code, 0, add.stderr);
  const id = /: (\S+)\n$/.exec(add.stdout)?.[1] ?? '';
  const list = await cli(['silence', 'list', '--output', 'json', ...at]);
  const silences = JSON.parse(list.stdout) as {
    id: string;
    createdBy: string;
    comment: string;
    matchers: unknown[];
  }[];
  assert.deepEqual(
    silences.map((s) => [s.id, s.createdBy, s.comment]),
    [[id, 'alice', 'rollout']],
  );
  assert.deepEqual(silences[0]?.matchers, [
    { field: 'cluster', op: '=~', value: 'prod-.*' },
    { field: 'reason', op: '!=', value: 'Pulled' },
  ]);
  const expire = await cli(['silence', 'expire', id, ...at]);
  assert.equal(expire.code, 0, expire.stderr);
  assert.equal(JSON.parse((await cli(['silence', 'list', '--output', 'json', ...at])).stdout).length, 0);
  assert.equal(
    JSON.parse((await cli(['silence', 'list', '--all', '--output', 'json', ...at])).stdout).length,
    1,
  );
  const unknown = await cli(['silence', 'expire', 'no-such-id', ...at]);
  assert.equal(unknown.code, 1);
  const bad = await cli([
    'silence',
    'add',
    '--match',
    'reason=(',
    '--for',
    '1h',
    '--by',
    'a',
    '--why',
    'b',
    ...at,
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^kube-herald: .*matcher/);
  const down = await cli(['silence', 'list', '--redis', 'redis://127.0.0.1:1']);
  assert.equal(down.code, 2);
  assert.equal(down.stderr, 'kube-herald: Redis is unreachable at 127.0.0.1:1\n');
});
