import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { cli, tempDir } from './cli-harness.js';
import { startStandinCli } from './standin-cli-harness.js';

const tmp = tempDir();
const composeStandin = join(import.meta.dirname, '../../../deploy/compose/dingtalk-standin.yaml');

after(() => tmp.dispose());

const startStandin = (argv: readonly string[]) => startStandinCli('dingtalk-standin', 'robot', argv);

/** The webhook with `timestamp` and `sign` as DingTalk computes them (DINGTALK.md). */
function signed(webhook: string, secret: string, ts = Date.now()): string {
  const sign = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
  return `${webhook}&timestamp=${ts}&sign=${encodeURIComponent(sign)}`;
}

async function post(url: string, content: string): Promise<{ errcode: number; errmsg: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf-8' },
    body: JSON.stringify({ msgtype: 'markdown', markdown: { title: content, text: content } }),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as { errcode: number; errmsg: string };
}

test('dingtalk-standin from a config file: host and port from http, a signed message with the keyword is accepted', async () => {
  const config = tmp.file('standin.yaml', {
    http: { host: '127.0.0.1', port: 0 },
    ratePerMinute: 5,
    robots: [{ name: 'oncall', token: 'tok-1', secret: 'SECone', keywords: ['K8s'] }],
  });
  const standin = await startStandin(['--config', config]);
  try {
    assert.match(standin.out(), /^DingTalk stand-in listening on http:\/\/127\.0\.0\.1:\d+ /);
    const webhook = standin.webhooks.get('oncall');
    assert.ok(webhook, standin.out());
    assert.doesNotMatch(standin.out(), /SECone/, 'the signing secret is never printed');
    assert.deepEqual(await post(signed(webhook, 'SECone'), '#### K8s BackOff'), { errcode: 0, errmsg: 'ok' });
    const unsigned = await post(webhook, '#### K8s BackOff');
    assert.equal(unsigned.errcode, 310000);
    const wrong = await post(signed(webhook, 'SECother'), '#### K8s BackOff');
    assert.deepEqual(wrong, { errcode: 310000, errmsg: 'sign not match' });
    const noKeyword = await post(signed(webhook, 'SECone'), '#### BackOff');
    assert.deepEqual(noKeyword, { errcode: 310000, errmsg: 'keywords not in content' });
  } finally {
    assert.equal(await standin.stop(), 0);
  }
});

test('dingtalk-standin runs the docker-compose config; --host and --port override it', async () => {
  const standin = await startStandin(['--config', composeStandin, '--host', '127.0.0.1', '--port', '0']);
  try {
    const webhook = standin.webhooks.get('oncall');
    assert.match(webhook ?? '', /^http:\/\/127\.0\.0\.1:\d+\/robot\/send\?access_token=demo-oncall-token$/);
    assert.doesNotMatch(webhook ?? '', /:8090\//);
    const reply = await post(signed(webhook!, 'SECdemo-oncall-signing-secret'), '【告警】K8s test');
    assert.deepEqual(reply, { errcode: 0, errmsg: 'ok' });
  } finally {
    assert.equal(await standin.stop(), 0);
  }
});

test('dingtalk-standin from flags: keyword robots, and bad input exits 1 naming the problem', async () => {
  const standin = await startStandin([
    '--port',
    '0',
    '--robot',
    'name=oncall,token=t1,secret=s1',
    '--robot',
    'name=staging,token=t2,keyword=K8s',
  ]);
  try {
    const webhook = standin.webhooks.get('staging')!;
    assert.deepEqual(await post(webhook, 'hello'), { errcode: 310000, errmsg: 'keywords not in content' });
    assert.equal((await post(webhook, 'K8s hello')).errcode, 0);
  } finally {
    assert.equal(await standin.stop(), 0);
  }
  const bad = await cli(['dingtalk-standin', '--robot', 'name=x,colour=red']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--robot: unknown key "colour"/);
  const typo = tmp.file('typo.yaml', {
    http: { hots: '0.0.0.0' },
    robots: [{ name: 'a', keyword: ['K8s'] }],
  });
  const invalid = await cli(['dingtalk-standin', '--config', typo]);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /invalid configuration/);
  assert.match(invalid.stderr, /http: .*hots/);
  assert.match(invalid.stderr, /robots\.0\.token: /);
  assert.match(invalid.stderr, /robots\.0: .*keyword/);
  const missing = await cli(['dingtalk-standin', '--config', join(tmp.dir, 'nope.yaml')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.yaml: cannot read config file \(ENOENT\)/);
});
