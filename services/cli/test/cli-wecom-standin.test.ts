import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { waitFor } from '@kube-herald/testing';
import { runCli } from '../src/main.js';
import { cli } from './cli-harness.js';

async function post(url: string, content: string): Promise<{ errcode: number; errmsg: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'text', text: { content } }),
  });
  return (await res.json()) as { errcode: number; errmsg: string };
}

test('wecom-standin: prints one webhook per robot, answers like WeCom (rate per key, 93000 for a wrong key)', async () => {
  const abort = new AbortController();
  let out = '';
  let err = '';
  const running = runCli(
    [
      'wecom-standin',
      '--port',
      '0',
      '--rate',
      '2',
      '--robot',
      'name=ops,key=k-ops',
      '--robot',
      'name=dev,key=k-dev',
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
      return /robot dev: /.test(out);
    },
    { what: 'the stand-in to print its webhooks' },
  );
  const hooks = new Map([...out.matchAll(/robot (\S+): (\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const ops = hooks.get('ops')!;
  assert.match(ops, /^http:\/\/127\.0\.0\.1:\d+\/cgi-bin\/webhook\/send\?key=k-ops$/);
  assert.deepEqual(
    [await post(ops, 'a'), await post(ops, 'b'), await post(ops, 'c')].map((a) => a.errcode),
    [0, 0, 45009],
  );
  assert.equal((await post(hooks.get('dev')!, 'a')).errcode, 0);
  assert.equal((await post(ops.replace('k-ops', 'nope'), 'a')).errcode, 93000);
  abort.abort();
  assert.equal(await running, 0);
});

test('wecom-standin: a robot without key= is a usage error', async () => {
  const r = await cli(['wecom-standin', '--robot', 'name=ops']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /name= and key= are required/);
});
