import { after, test } from 'node:test';
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
  receivers: { name: string; webhook: string; secret?: string; msgType: string }[];
  route: { routes: { match?: Record<string, string>; receiver: string; continue: boolean }[] };
}

test('config from-kube-eventer translates the documented sink strings into receivers and routes', async () => {
  const r = await cli(['config', 'from-kube-eventer', `--sink=${ALIYUN}`, '--sink', FULL]);
  assert.equal(r.code, 0, r.stderr);
  const doc = parse(r.stdout) as Doc;
  assert.deepEqual(
    doc.receivers.map((x) => [x.name, x.webhook, x.secret, x.msgType]),
    [
      [
        'dingtalk-c5e4a7b1d2f34',
        'https://oapi.dingtalk.com/robot/send?access_token=d3b07384d113edec49eaa6238ad5ff00',
        undefined,
        'markdown',
      ],
      [
        'dingtalk-prod-hz',
        'https://oapi.dingtalk.com/robot/send?access_token=0f1e2d3c4b5a',
        'SEC0123456789abcdef',
        'text',
      ],
    ],
  );
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
