import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { createRateGate, gateStatus, robotKeyOf } from '@kube-herald/notifier';
import { redisUrl, uniqueName } from '@kube-herald/testing';
import { cli, makeEvent, tempDir } from './cli-harness.js';

const prefix = uniqueName('khcmd');

const tmp = tempDir();
let standin: DingtalkStandin;
let configFile: string;

before(async () => {
  standin = createDingtalkStandin({
    robots: [
      { name: 'oncall', token: 'tok-oncall', secret: 'SEConcall', keywords: ['K8s'] },
      { name: 'strict', token: 'tok-strict', keywords: ['NOPE'] },
      { name: 'signed', token: 'tok-signed', secret: 'SECright' },
    ],
  });
  await standin.start();
  configFile = tmp.file('notifier.yaml', {
    kafka: { brokers: '127.0.0.1:9092' },
    redis: { url: redisUrl(), prefix },
    receivers: [
      {
        name: 'oncall',
        type: 'dingtalk',
        webhook: standin.webhookFor('oncall'),
        insecureHttp: true,
        secret: 'SEConcall',
        keywords: ['K8s'],
      },
      { name: 'strict', type: 'dingtalk', webhook: standin.webhookFor('strict'), insecureHttp: true },
      {
        name: 'signed',
        type: 'dingtalk',
        webhook: standin.webhookFor('signed'),
        insecureHttp: true,
        secret: 'SECwrong',
      },
    ],
    route: {
      receiver: 'oncall',
      routes: [
        { drop: { type: 'Normal' } },
        { name: 'payments', match: { namespace: 'payments' }, receiver: 'strict' },
        { name: 'no-kube-system', match: { namespace: 'kube-system' }, drop: { reason: 'BackOff' } },
      ],
    },
  });
});

after(async () => {
  await standin.close();
  tmp.dispose();
});

test('--help documents every command, and each command its flags with examples', async () => {
  const top = await cli(['--help']);
  assert.equal(top.code, 0);
  for (const c of [
    'collector',
    'notifier',
    'replay',
    'route',
    'config',
    'test-send',
    'silence',
    'failed',
    'dingtalk-standin',
  ])
    assert.match(top.stdout, new RegExp(`\\n  ${c}\\b`), c);
  assert.match(top.stdout, /Exit codes:[\s\S]*130/);
  for (const argv of [
    ['replay'],
    ['route', 'test'],
    ['config', 'validate'],
    ['config', 'schema'],
    ['test-send'],
    ['failed', 'list'],
    ['failed', 'retry'],
    ['silence', 'add'],
    ['config', 'from-kube-eventer'],
    ['notifier'],
    ['collector'],
    ['dingtalk-standin'],
  ]) {
    const r = await cli([...argv, '--help']);
    assert.equal(r.code, 0, argv.join(' '));
    assert.match(r.stdout, /Examples?:\n(?: {2}#.*\n)? {2}kube-herald /, argv.join(' '));
  }
  const replay = await cli(['replay', '--help']);
  for (const flag of [
    '--from',
    '--to',
    '--cluster',
    '--namespace',
    '--route',
    '--receiver',
    '--dry-run',
    '--output',
    '--force',
    '--config',
  ])
    assert.ok(replay.stdout.includes(flag), flag);
});

test('usage errors exit 1 with one line: unknown command, unknown flag, missing required flag', async () => {
  for (const argv of [['nope'], ['route', 'test', '--evnt', 'x'], ['test-send', '--config', configFile]]) {
    const r = await cli(argv);
    assert.equal(r.code, 1, argv.join(' '));
    assert.match(r.stderr, /^error: /);
  }
});

test('config validate reports every problem of a broken file with its path and exits 1', async () => {
  const broken = tmp.file('broken.yaml', {
    kafka: { brokers: [] },
    redis: { url: 'http://redis' },
    receivers: [
      {
        name: 'a',
        type: 'dingtalk',
        webhook: 'https://oapi.dingtalk.com/robot/send?access_token=x',
        ratePerMinute: 30,
      },
      { name: 'a', type: 'teams' },
    ],
    route: {
      receiver: 'missing',
      groupWait: 'soon',
      routes: [{ match: { reason: '(' } }, { match: { colour: 'red' } }],
    },
  });
  const r = await cli(['config', 'validate', broken]);
  assert.equal(r.code, 1);
  for (const path of [
    'kafka.brokers',
    'redis.url',
    'receivers.0.ratePerMinute',
    'receivers.1.name',
    'receivers.1.type',
    'route.receiver',
    'route.groupWait',
    'route.routes.0.match.reason',
    'route.routes.1.match.colour',
  ])
    assert.match(r.stderr, new RegExp(`\\n  ${path.replace(/\./g, '\\.')}: `), path);
  const ok = await cli(['config', 'validate', configFile]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /valid notifier configuration/);
  const unreadable = await cli(['config', 'validate', `${tmp.dir}/none.yaml`]);
  assert.equal(unreadable.code, 1);
  assert.match(unreadable.stderr, /cannot read config file \(ENOENT\)/);
});

test('config schema prints a draft-07 JSON Schema of the config file', async () => {
  const r = await cli(['config', 'schema']);
  assert.equal(r.code, 0);
  const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown> };
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  for (const k of ['kafka', 'redis', 'receivers', 'route']) assert.ok(k in schema.properties, k);
  const collector = JSON.parse((await cli(['config', 'schema', '--kind', 'collector'])).stdout) as {
    properties: object;
  };
  assert.ok('kubernetes' in collector.properties || 'cluster' in collector.properties);
});

test('route test explains a drop and why the other routes did not match (file and stdin)', async () => {
  const event = makeEvent('coredns-1', {}, 'kube-system');
  const file = tmp.file('event.json', JSON.stringify(event));
  const r = await cli(['route', 'test', '--event', file, '--config', configFile]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /result: dropped at route no-kube-system by drop\[0\] reason=~"BackOff"/);
  assert.match(r.stdout, /· payments: no-match — namespace = "kube-system" !~ \/payments\//);
  assert.match(r.stdout, /· root\.routes\[0\]: no-match — filter: no drop rule matched/);
  const delivered = await cli(['route', 'test', '--event', '-', '--config', configFile], {
    stdin: JSON.stringify(makeEvent('api-1')),
  });
  assert.equal(delivered.code, 0, delivered.stderr);
  assert.match(delivered.stdout, /result: → receiver strict via route payments/);
  assert.match(delivered.stdout, /\n {8}group strict\|cluster=prod-hz\|namespace=payments /);
  const bad = await cli(['route', 'test', '--event', '-', '--config', configFile], {
    stdin: '{"reason":"x"}',
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a kube-herald\.event\/v1 event/);
});

test("test-send delivers a marked test message and prints DingTalk's answer and the fix for 310000", async () => {
  const ok = await cli(['test-send', '--receiver', 'oncall', '--config', configFile]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /receiver oncall: delivered\n {2}errcode: 0\n {2}errmsg: {2}ok/);
  const [msg] = standin.messages('oncall');
  assert.ok(msg);
  assert.match(`${msg.title ?? ''} ${msg.text}`, /【测试】/);
  assert.match(msg.text, /kube-herald test-send/);
  const keyword = await cli(['test-send', '--receiver', 'strict', '--config', configFile]);
  assert.equal(keyword.code, 3);
  assert.match(keyword.stdout, /errcode: 310000\n {2}errmsg: {2}keywords not in content/);
  assert.match(
    keyword.stdout,
    /fix: {5}add one of the robot's security keywords .*receivers\[strict\]\.keywords/,
  );
  const sign = await cli(['test-send', '--receiver', 'signed', '--config', configFile]);
  assert.equal(sign.code, 3);
  assert.match(sign.stdout, /errcode: 310000\n {2}errmsg: {2}sign not match/);
  assert.match(sign.stdout, /fix: {5}receivers\[signed\]\.secret/);
  assert.equal(standin.messages('strict').length + standin.messages('signed').length, 0);
  const unknown = await cli(['test-send', '--receiver', 'ghost', '--config', configFile]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no receiver "ghost" \(receivers: oncall, strict, signed\)/);
});

test("test-send counts against the robot's rate gate (shared with the notifier fleet) and waits for it", async () => {
  const redis = new Redis(redisUrl());
  try {
    const robot = robotKeyOf(standin.webhookFor('oncall'));
    const before = (await gateStatus(redis, `${prefix}:n`, robot)).used;
    const ok = await cli(['test-send', '--receiver', 'oncall', '--config', configFile]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((await gateStatus(redis, `${prefix}:n`, robot)).used, before + 1, 'one slot taken');
    // the fleet used the rest of the robot's budget: test-send does not push it over
    const gate = createRateGate({ redis, prefix: `${prefix}:n` });
    for (let i = 0; (await gate.acquire(robot, 18, `fleet-${i}`)).granted; i++);
    const sent = standin.messages('oncall').length;
    const busy = await cli(['test-send', '--receiver', 'oncall', '--config', configFile, '--wait', '0']);
    assert.equal(busy.code, 3);
    assert.match(busy.stdout, /not sent — the robot's rate gate has no free slot/);
    assert.equal(standin.messages('oncall').length, sent, 'nothing sent');
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
});
