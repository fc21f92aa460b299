import { after, test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { cli, makeEvent, tempDir } from './cli-harness.js';

const tmp = tempDir();
after(() => tmp.dispose());
const env = { KH_KAFKA_BROKERS: '127.0.0.1:9092', KH_REDIS_URL: 'redis://127.0.0.1:6379' };

// As kube-eventer's docs/en/dingtalk-sink.md and Alibaba Cloud's "DingTalk alerting for cluster events" guide
// write them (placeholders filled in): the webhook, then label/level, optional filters, sign and msg_type.
const ALIYUN =
  'dingtalk:https://oapi.dingtalk.com/robot/send?access_token=d3b07384d113edec49eaa6238ad5ff00&label=c5e4a7b1d2f34&level=Warning';
const FULL =
  'dingtalk:https://oapi.dingtalk.com/robot/send?access_token=0f1e2d3c4b5a&label=prod-hz&level=Normal&namespaces=default,kube-system&kinds=Pod,Node&sign=SEC0123456789abcdef&msg_type=text';

interface Doc {
  receivers: Record<string, unknown>[];
  route: { routes: { match?: Record<string, string>; receiver: string; continue: boolean }[] };
}

test('config from-kube-eventer translates the documented sink strings into receivers and routes, secrets by file', async () => {
  const secrets = join(tmp.dir, 'secrets');
  const r = await cli([
    'config',
    'from-kube-eventer',
    `--sink=${ALIYUN}`,
    '--sink',
    FULL,
    '--secrets-dir',
    secrets,
  ]);
  assert.equal(r.code, 0, r.stderr);
  for (const secret of ['d3b07384d113edec49eaa6238ad5ff00', '0f1e2d3c4b5a', 'SEC0123456789abcdef'])
    assert.ok(!r.stdout.includes(secret), 'no token or signing secret in the printed YAML');
  const doc = parse(r.stdout) as Doc;
  assert.deepEqual(doc.receivers, [
    {
      name: 'dingtalk-c5e4a7b1d2f34',
      type: 'dingtalk',
      msgType: 'markdown',
      webhookFile: `${secrets}/dingtalk-c5e4a7b1d2f34/webhook`,
    },
    {
      name: 'dingtalk-prod-hz',
      type: 'dingtalk',
      msgType: 'text',
      webhookFile: `${secrets}/dingtalk-prod-hz/webhook`,
      secretFile: `${secrets}/dingtalk-prod-hz/secret`,
    },
  ]);
  assert.match(r.stdout, /kubectl -n kube-herald create secret generic kube-herald-dingtalk-prod-hz/);
  assert.match(r.stdout, /webhook: \$\{KH_DINGTALK_C5E4A7B1D2F34_WEBHOOK\}/);
  // the secrets, created as the comments say: then the printed config validates and routes
  for (const [name, token] of [
    ['dingtalk-c5e4a7b1d2f34', 'd3b07384d113edec49eaa6238ad5ff00'],
    ['dingtalk-prod-hz', '0f1e2d3c4b5a'],
  ] as const) {
    mkdirSync(join(secrets, name), { recursive: true });
    writeFileSync(
      join(secrets, name, 'webhook'),
      `https://oapi.dingtalk.com/robot/send?access_token=${token}`,
    );
  }
  writeFileSync(join(secrets, 'dingtalk-prod-hz', 'secret'), 'SEC0123456789abcdef');
  assert.deepEqual(doc.route.routes, [
    {
      match: { cluster: 'c5e4a7b1d2f34', type: 'Warning' },
      receiver: 'dingtalk-c5e4a7b1d2f34',
      continue: true,
    },
    {
      match: { cluster: 'prod-hz', namespace: 'default|kube-system', kind: 'Pod|Node' },
      receiver: 'dingtalk-prod-hz',
      continue: true,
    },
  ]);
  const file = tmp.file('from-sinks.yaml', r.stdout);
  assert.equal((await cli(['config', 'validate', file], { env })).code, 0);
  const warning = tmp.file(
    'warning.json',
    JSON.stringify(makeEvent('api-1', { cluster: { id: 'c5e4a7b1d2f34', name: 'x' } }, 'default')),
  );
  const routed = await cli(['route', 'test', '--event', warning, '--config', file], { env });
  assert.match(routed.stdout, /result: → receiver dingtalk-c5e4a7b1d2f34/);
  const normal = tmp.file(
    'normal.json',
    JSON.stringify(
      makeEvent('api-1', { type: 'Normal', cluster: { id: 'c5e4a7b1d2f34', name: 'x' } }, 'default'),
    ),
  );
  const dropped = await cli(['route', 'test', '--event', normal, '--config', file], { env });
  assert.match(dropped.stdout, /result: not delivered/);
  assert.match(dropped.stdout, /type = "Normal" !~ \/Warning\//);
});

test('a wechat sink: printed with WARNING lines and a webhookFile to fill; notifier --sink refuses it with the way out', async () => {
  const wechat =
    'wechat:?corp_id=a5c19f3e02feba7bd5dfc22bfb&corp_secret=a212359acfe86fd80eb1591870&agent_id=1000012&to_user=zhangshan,xiaowang&level=Normal';
  const r = await cli(['config', 'from-kube-eventer', `--sink=${wechat}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes('a212359acfe86fd80eb1591870'));
  assert.match(r.stdout, /# WARNING: kube-eventer sends WeCom application messages/);
  assert.deepEqual((parse(r.stdout) as Doc).receivers, [
    {
      name: 'wecom-default',
      type: 'wecom',
      mentions: { userIds: ['zhangshan', 'xiaowang'] },
      webhookFile: '/secrets/wecom-default/webhook',
    },
  ]);
  // with a group robot's webhook in the file it names, the printed config validates
  const secrets = join(tmp.dir, 'wecom-secrets');
  const printed = await cli(['config', 'from-kube-eventer', `--sink=${wechat}`, '--secrets-dir', secrets]);
  mkdirSync(join(secrets, 'wecom-default'), { recursive: true });
  writeFileSync(
    join(secrets, 'wecom-default', 'webhook'),
    'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa',
  );
  const valid = await cli(['config', 'validate', tmp.file('wecom.yaml', printed.stdout)], { env });
  assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  const n = await cli(['notifier', `--sink=${wechat}`], { env });
  assert.equal(n.code, 1);
  assert.match(
    n.stderr,
    /^kube-herald: kube-eventer sink: wechat: kube-eventer sends WeCom application messages/,
  );
  assert.match(n.stderr, /config from-kube-eventer/);
  assert.ok(!n.stderr.includes('a212359acfe86fd80eb1591870'));
});

test('a bad sink exits 1 with one line that never shows the token', async () => {
  const r = await cli([
    'config',
    'from-kube-eventer',
    '--sink=dingtalk:https://oapi.dingtalk.com/robot/send?access_token=s3cr3t&msg_type=link',
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^kube-herald: kube-eventer sink: msg_type must be markdown or text/);
  assert.ok(!r.stderr.includes('s3cr3t'));
  const n = await cli(['notifier', '--sink=webhook:https://example.com/?access_token=s3cr3t']);
  assert.equal(n.code, 1);
  assert.ok(!n.stderr.includes('s3cr3t'));
});

test('notifier --sink: the translated config is validated like a file (unreachable Redis exits 2, nothing runs)', async () => {
  const r = await cli(['notifier', `--sink=${ALIYUN}`], {
    env: { KH_KAFKA_BROKERS: '127.0.0.1:1', KH_REDIS_URL: 'redis://127.0.0.1:1' },
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^kube-herald: Redis is unreachable at 127\.0\.0\.1:1\n$/);
  const missing = await cli(['notifier', `--sink=${ALIYUN}`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /environment variable KH_KAFKA_BROKERS is not set/);
});
