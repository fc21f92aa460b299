import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { waitFor } from '@kube-herald/testing';
import { runCli } from '../src/main.js';
import { cli } from './cli-harness.js';

async function post(url: string, text: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msg_type: 'text', content: { text } }),
  });
  return ((await res.json()) as { code: number }).code;
}

test('feishu-standin: prints one webhook per bot, answers like Feishu (per-second rate per bot, 19001 for a wrong token)', async () => {
  const abort = new AbortController();
  let out = '';
  let err = '';
  const running = runCli(
    [
      'feishu-standin',
      '--port',
      '0',
      '--rate-per-second',
      '2',
      '--bot',
      'name=ops,token=t-ops',
      '--bot',
      'name=dev,token=t-dev',
      '--log-level',
      'warn',
    ],
    {},
    {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      stdin: Readable.from(['']),
      signal: abort.signal,
    },
  );
  let exited: number | undefined;
  void running.then((code) => (exited = code));
  await waitFor(
    () => {
      if (exited !== undefined) throw new Error(`exited ${exited}: ${err}`);
      return /bot dev: /.test(out);
    },
    { what: 'the stand-in to print its webhooks' },
  );
  const hooks = new Map([...out.matchAll(/bot (\S+): (\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const ops = hooks.get('ops')!;
  assert.match(ops, /^http:\/\/127\.0\.0\.1:\d+\/open-apis\/bot\/v2\/hook\/t-ops$/);
  assert.deepEqual([await post(ops, 'a'), await post(ops, 'b'), await post(ops, 'c')], [0, 0, 11232]);
  assert.equal(await post(hooks.get('dev')!, 'a'), 0);
  assert.equal(await post(ops.replace('t-ops', 'nope'), 'a'), 19001);
  abort.abort();
  assert.equal(await running, 0);
});

test('feishu-standin: a bot without token= is a usage error', async () => {
  const r = await cli(['feishu-standin', '--bot', 'name=ops']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /name= and token= are required/);
});
