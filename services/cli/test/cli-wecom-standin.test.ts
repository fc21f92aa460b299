import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './cli-harness.js';
import { startStandinCli } from './standin-cli-harness.js';

async function post(url: string, content: string): Promise<{ errcode: number; errmsg: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'text', text: { content } }),
  });
  return (await res.json()) as { errcode: number; errmsg: string };
}

test('wecom-standin: prints one webhook per robot, answers like WeCom (rate per key, 93000 for a wrong key)', async () => {
  const s = await startStandinCli('wecom-standin', 'robot', [
    '--port',
    '0',
    '--rate',
    '2',
    '--robot',
    'name=ops,key=k-ops',
    '--robot',
    'name=dev,key=k-dev',
  ]);
  const hooks = s.webhooks;
  const ops = hooks.get('ops')!;
  assert.match(ops, /^http:\/\/127\.0\.0\.1:\d+\/cgi-bin\/webhook\/send\?key=k-ops$/);
  assert.deepEqual(
    [await post(ops, 'a'), await post(ops, 'b'), await post(ops, 'c')].map((a) => a.errcode),
    [0, 0, 45009],
  );
  assert.equal((await post(hooks.get('dev')!, 'a')).errcode, 0);
  assert.equal((await post(ops.replace('k-ops', 'nope'), 'a')).errcode, 93000);
  assert.equal(await s.stop(), 0);
});

test('wecom-standin: a robot without key= is a usage error', async () => {
  const r = await cli(['wecom-standin', '--robot', 'name=ops']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /name= and key= are required/);
});
