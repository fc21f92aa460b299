import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, maskSecrets } from '@kube-herald/logging';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, stream };
}

const HOOK =
  'https://oapi.dingtalk.com/robot/send?access_token=abcdef123456&timestamp=1700000000000&sign=s3cr3tSig';

test('maskSecrets hides access_token, sign and URL passwords', () => {
  const out = maskSecrets(`${HOOK} and redis://user:hunter2@127.0.0.1:6379`);
  assert.ok(!out.includes('abcdef123456'));
  assert.ok(!out.includes('s3cr3tSig'));
  assert.ok(!out.includes('hunter2'));
  assert.match(out, /access_token=\*\*\*/);
});

test('maskSecrets hides Redis passwords in every URL form (user:password and password only, TLS too)', () => {
  for (const url of [
    'redis://:hunter2@10.0.0.5:6379/0',
    'rediss://:hunter2@redis.example:6380',
    'redis://default:hunter2@127.0.0.1:6379',
  ]) {
    const out = maskSecrets(`connecting to ${url} failed`);
    assert.ok(!out.includes('hunter2'), out);
    assert.match(out, /:\*\*\*@/);
  }
  const { lines, stream } = capture();
  const log = createLogger({ name: 't', destination: stream });
  log.error(
    { url: 'redis://:hunter2@h:6379', err: new Error('connect redis://:hunter2@h:6379') },
    'redis://:hunter2@h',
  );
  assert.ok(!lines.join('').includes('hunter2'));
});

test('logger never writes webhook tokens, secrets or passwords', () => {
  const { lines, stream } = capture();
  const log = createLogger({ name: 't', destination: stream });
  log.info({ webhook: HOOK, receiver: { secret: 'SEC123', password: 'pw1' } }, `sending to ${HOOK}`);
  log.warn({ err: new Error(`failed POST ${HOOK}`) }, 'send failed');
  const text = lines.join('');
  for (const secret of ['abcdef123456', 's3cr3tSig', 'SEC123', 'pw1'])
    assert.ok(!text.includes(secret), secret);
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]!) as { msg: string; name: string };
  assert.equal(first.name, 't');
  assert.match(first.msg, /access_token=\*\*\*/);
});
