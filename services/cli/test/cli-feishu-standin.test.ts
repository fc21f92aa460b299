import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './cli-harness.js';
import { startStandinCli } from './standin-cli-harness.js';

async function post(url: string, text: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msg_type: 'text', content: { text } }),
  });
  return ((await res.json()) as { code: number }).code;
}

test('feishu-standin: prints one webhook per bot, answers like Feishu (per-second rate per bot, 19001 for a wrong token)', async () => {
  const s = await startStandinCli('feishu-standin', 'bot', [
    '--port',
    '0',
    '--rate-per-second',
    '2',
    '--bot',
    'name=ops,token=t-ops',
    '--bot',
    'name=dev,token=t-dev',
  ]);
  const hooks = s.webhooks;
  const ops = hooks.get('ops')!;
  assert.match(ops, /^http:\/\/127\.0\.0\.1:\d+\/open-apis\/bot\/v2\/hook\/t-ops$/);
  assert.deepEqual([await post(ops, 'a'), await post(ops, 'b'), await post(ops, 'c')], [0, 0, 11232]);
  assert.equal(await post(hooks.get('dev')!, 'a'), 0);
  assert.equal(await post(ops.replace('t-ops', 'nope'), 'a'), 19001);
  assert.equal(await s.stop(), 0);
});

test('feishu-standin: a bot without token= is a usage error', async () => {
  const r = await cli(['feishu-standin', '--bot', 'name=ops']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /name= and token= are required/);
});
