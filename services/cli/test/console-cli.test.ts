import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createSilenceStore } from '@kube-herald/notifier';
import { redisUrl, uniqueName, waitFor } from '@kube-herald/testing';
import { runCli } from '../src/main.js';
import { tempDir } from './cli-harness.js';

test('kube-herald console --config: serves the fleet state from Redis on 127.0.0.1, read-only without a token', async () => {
  const tmp = tempDir();
  const prefix = uniqueName('khcc');
  const redis = new Redis(redisUrl());
  const silences = createSilenceStore({ redis, prefix });
  const stop = new AbortController();
  let out = '';
  try {
    const s = await silences.add({
      matchers: ['namespace=web'],
      for: '1h',
      createdBy: 'carol',
      comment: 'deploy',
    });
    const config = tmp.file('notifier.yaml', {
      kafka: { brokers: ['127.0.0.1:9'] },
      redis: { url: redisUrl(), prefix },
      receivers: [
        {
          name: 'oncall',
          type: 'dingtalk',
          webhook: 'https://oapi.example/robot/send?access_token=sekret123',
        },
      ],
      route: { receiver: 'oncall' },
    });
    const run = runCli(
      ['console', '--config', config, '--port', '0'],
      {},
      {
        stdout: { write: (c: string) => (out += c) },
        stderr: { write: () => true },
        stdin: Readable.from(['']),
        signal: stop.signal,
      },
    );
    const url = await waitFor(() => /kube-herald console: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], {
      timeoutMs: 20_000,
      what: 'the console address',
    });
    const snap = (await (await fetch(`${url}/api/snapshot`)).json()) as {
      silences: { id: string; createdBy: string }[];
      robots: { webhook: string }[];
    };
    assert.deepEqual(
      snap.silences.map((x) => [x.id, x.createdBy]),
      [[s.id, 'carol']],
    );
    assert.equal(snap.robots[0]?.webhook, 'https://oapi.example/…?access_token=***');
    const page = await (await fetch(url)).text();
    assert.match(page, /data-actions="off"/, 'no admin token configured: the page is read-only');
    const refused = await fetch(`${url}/api/silences/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
      body: JSON.stringify({ id: s.id, by: 'mallory' }),
    });
    assert.equal(refused.status, 403);
    assert.equal((await silences.list()).length, 1, 'the silence is still active');
    stop.abort();
    assert.equal(await run, 0);
  } finally {
    stop.abort();
    await silences.close();
    await redis.del(`${prefix}:silences`);
    await redis.quit();
    tmp.dispose();
  }
});
