import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import {
  createKafkaAdmin,
  createKafkaPublisher,
  createKafkaSubscriber,
  type Publisher,
} from '@kube-herald/bus';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { encodeEvent, type EventV1 } from '@kube-herald/events';
import { createRegistry } from '@kube-herald/observability';
import {
  createNotifier,
  createReceivers,
  loadNotifierConfig,
  type Notifier,
  type NotifierConfig,
} from '@kube-herald/notifier';
import { kafkaBrokers, redisUrl, testLogger, uniqueName, waitFor } from '@kube-herald/testing';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { cli, makeEvent, tempDir } from './cli-harness.js';

const yamlOf = (file: string): unknown => parseYaml(readFileSync(file, 'utf8'));

/** An event as the collector publishes it (keyed by its object). */
const recordOf = (e: EventV1): { key: string; value: string; headers: Record<string, string> } => ({
  key: `${e.cluster.id}/${e.involvedObject.namespace}/${e.involvedObject.uid}`,
  value: encodeEvent(e).toString('utf8'),
  headers: { schema: 'kube-herald.event/v1' },
});
const log = testLogger('cli-replay');
const HOUR = 3_600_000;
const t0 = Date.now();
const tmp = tempDir();
const topic = uniqueName('kh-cli-replay');
const prefix = uniqueName('khcli');
let standin: DingtalkStandin;
let publisher: Publisher;
let configFile: string;
let laterConfigFile: string;
const published: { event: EventV1; value: string; ts: number }[] = [];
const before3h = ['old-a', 'old-b'].map((n) => makeEvent(n));
const inside = ['win-a', 'win-b', 'win-c'].map((n) => makeEvent(n));
const after30m = ['late-a'].map((n) => makeEvent(n));
const from = new Date(t0 - 2 * HOUR).toISOString();
const to = new Date(t0 - HOUR).toISOString();
/** `replay` of the window [from, to). */
const replayWindow = ['replay', '--from', from, '--to', to];

before(async () => {
  standin = createDingtalkStandin({
    robots: [
      { name: 'old', token: 'tok-old', keywords: ['K8s'] },
      { name: 'new', token: 'tok-new', secret: 'SECnew' },
      { name: 'strict', token: 'tok-strict', keywords: ['NOPE'] },
      { name: 'later', token: 'tok-later' },
    ],
  });
  await standin.start();
  const receivers = [
    {
      name: 'old',
      type: 'dingtalk',
      webhook: standin.webhookFor('old'),
      insecureHttp: true,
      keywords: ['K8s'],
    },
    {
      name: 'new',
      type: 'dingtalk',
      webhook: standin.webhookFor('new'),
      insecureHttp: true,
      secret: 'SECnew',
    },
    // the robot wants a keyword this receiver does not know: DingTalk answers 310000
    { name: 'strict', type: 'dingtalk', webhook: standin.webhookFor('strict'), insecureHttp: true },
  ];
  const routes = [
    { name: 'backfill', match: { namespace: 'payments' }, receiver: 'new', continue: true },
    { name: 'strict', match: { namespace: 'payments' }, receiver: 'strict', continue: true },
  ];
  const notifierConfig = (extraReceivers: object[], extraRoutes: object[]): object => ({
    kafka: { brokers: kafkaBrokers(), topic, groupId: uniqueName('kh-live') },
    redis: { url: redisUrl(), prefix },
    receivers: [...receivers, ...extraReceivers],
    route: {
      receiver: 'old',
      groupBy: ['cluster', 'namespace', 'name'],
      groupWait: '100ms',
      groupInterval: '200ms',
      routes: [...routes, ...extraRoutes, {}],
    },
  });
  configFile = tmp.file('notifier.yaml', notifierConfig([], []));
  // the same fleet after a receiver was added (what a backfill is for)
  laterConfigFile = tmp.file(
    'notifier-later.yaml',
    notifierConfig(
      [{ name: 'later', type: 'dingtalk', webhook: standin.webhookFor('later'), insecureHttp: true }],
      [{ name: 'later', match: { namespace: 'payments' }, receiver: 'later', continue: true }],
    ),
  );
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'kh-cli-test', log });
  await admin.ensureTopics([{ topic, partitions: 2 }]);
  await admin.close();
  publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'kh-cli-test', log });
  await publisher.start();
  const batches: [EventV1[], number][] = [
    [before3h, t0 - 3 * HOUR],
    [inside, t0 - 2 * HOUR + 60_000],
    [after30m, t0 - HOUR / 2],
  ];
  for (const [events, ts] of batches) {
    const msgs = events.map((e, i) => ({ ...recordOf(e), timestamp: ts + i * 1000 }));
    await publisher.publish(topic, msgs);
    events.forEach((e, i) => published.push({ event: e, value: msgs[i]?.value ?? '', ts: ts + i * 1000 }));
  }
});

after(async () => {
  await publisher.close();
  await standin.close();
  const redis = new Redis(redisUrl());
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  tmp.dispose();
});

const texts = (robot: string): string =>
  standin
    .messages(robot)
    .map((m) => m.text)
    .join('\n');
/** The robot "old" without its keyword (a config it refuses with 310000). */
const oldReceiver = (): object => ({
  name: 'old',
  type: 'dingtalk',
  webhook: standin.webhookFor('old'),
  insecureHttp: true,
});
/** A config file that sends everything to "old" (without its keyword), with these Kafka settings. */
const oldOnlyConfig = (name: string, kafka: object): string =>
  tmp.file(name, {
    kafka,
    redis: { url: redisUrl(), prefix },
    receivers: [oldReceiver()],
    route: { receiver: 'old' },
  });
/** How many messages of a robot mention an event's object. */
const mentions = (robot: string, e: EventV1): number =>
  standin.messages(robot).filter((m) => m.text.includes(e.involvedObject.name)).length;

/**
 * A started live notifier of a fleet config, consuming the topic from its start in the fleet's group.
 * Its deliveries to "strict" are refused by design (see the tests): no warning per message.
 */
async function startLive(config: NotifierConfig, name: string): Promise<{ live: Notifier; redis: Redis }> {
  const redis = new Redis(redisUrl());
  const subscriber = createKafkaSubscriber({
    brokers: kafkaBrokers(),
    clientId: `kh-cli-${name}`,
    log,
    groupId: config.kafka.groupId,
    topics: [topic],
    fromBeginning: true,
    maxWaitTimeMs: 200,
  });
  const live = createNotifier({
    config,
    log: log.child({ live: true }, { level: 'error' }),
    redis,
    subscriber,
    publisher,
    receivers: createReceivers(config),
    registry: createRegistry(name, false),
    options: { schedulerPollMs: 100 },
  });
  await live.start();
  return { live, redis };
}

test('--dry-run --output jsonl prints exactly the published events of the window and sends nothing', async () => {
  const r = await cli([...replayWindow, '--dry-run', '--output', 'jsonl', '--config', configFile]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').sort();
  const expected = published
    .filter((p) => p.ts >= t0 - 2 * HOUR && p.ts < t0 - HOUR)
    .map((p) => p.value)
    .sort();
  assert.deepEqual(lines, expected);
  assert.equal(lines.length, inside.length);
  assert.match(
    r.stderr,
    /replay done: read 3, selected 3, matched 3.*dry run: would send 9 occurrence\(s\), sent 0/,
  );
  assert.equal(standin.messages().length, 0);
});

test('replay reads only the offsets of the window, not the whole topic, and leaves no consumer group behind', async () => {
  const { groupId } = loadNotifierConfig(configFile, {}).kafka;
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'kh-cli-test', log });
  try {
    const window = await cli([...replayWindow, '--dry-run', '--log-level', 'debug', '--config', configFile]);
    assert.equal(window.code, 0, window.stderr);
    // the reader started at the window: nothing before it was even fetched
    const finished = window.stderr
      .split('\n')
      .filter((l) => l.includes('range reader finished'))
      .map((l) => JSON.parse(l) as { handed: number; before: number });
    assert.deepEqual(
      finished.map((f) => [f.handed, f.before]),
      [[3, 0]],
    );
    // progress counts what the reader handed over; the topic holds 6 records, the window 3
    assert.match(window.stderr, /replay: 3\/3 records read \(p\d \d\/\d, p\d \d\/\d\)/);
    assert.match(window.stdout, /replay done: read 3, selected 3/);
    const open = await cli(['replay', '--from', from, '--dry-run', '--config', configFile]);
    assert.equal(open.code, 0, open.stderr);
    assert.match(open.stderr, /replay: 4\/4 records read/);
    assert.match(open.stdout, /replay done: read 4, selected 4/);
    const left = (await admin.listGroups()).filter((g) => g.startsWith(`${groupId}-replay-`));
    assert.deepEqual(left, []);
  } finally {
    await admin.close();
  }
});

test('a missing topic: one line, exit 2, within seconds, and no group created', async () => {
  const groupId = uniqueName('kh-missing');
  const missing = oldOnlyConfig('missing-topic-fast.yaml', {
    brokers: kafkaBrokers(),
    topic: uniqueName('kh-no-such-topic'),
    groupId,
  });
  const started = Date.now();
  const r = await cli(['replay', '--from', '1h', '--config', missing]);
  const took = Date.now() - started;
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^kube-herald: topic "kh-no-such-topic[^"]*" does not exist\n$/);
  assert.ok(took < 5_000, `took ${took} ms`);
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'kh-cli-test', log });
  try {
    assert.deepEqual(
      (await admin.listGroups()).filter((g) => g.startsWith(groupId)),
      [],
    );
  } finally {
    await admin.close();
  }
});

test('replay of the window to one receiver, before the live notifier consumed it, delivers exactly its incidents there and nothing to the old one', async () => {
  const r = await cli([...replayWindow, '--receiver', 'new', '--config', configFile]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sent \d+ message\(s\) with 3 occurrence\(s\), failed 0/);
  const got = texts('new');
  for (const e of inside)
    assert.ok(got.includes(e.involvedObject.name), `${e.involvedObject.name} delivered`);
  for (const e of [...before3h, ...after30m]) assert.ok(!got.includes(e.involvedObject.name));
  assert.equal(standin.messages('old').length, 0);
});

test('the live notifier, lagging behind that replay, still delivers every event to its other receivers, nothing twice; then replay without --force sends nothing and the live group is untouched', async () => {
  const config = loadNotifierConfig(configFile, {});
  const { live, redis } = await startLive(config, 'live');
  try {
    // the replay above marked the window's occurrences for "new" only (dedup is per occurrence and
    // receiver): the live notifier delivers all of them to "old", and to "new" only the rest
    const all = [...before3h, ...inside, ...after30m];
    const rest = [...before3h, ...after30m];
    await waitFor(
      () => all.every((e) => mentions('old', e) > 0) && rest.every((e) => mentions('new', e) > 0),
      { timeoutMs: 30_000, what: 'the live notifier to send every event to old and the rest to new' },
    );
    for (const e of all) assert.equal(mentions('old', e), 1, `${e.involvedObject.name} once to old`);
    for (const e of all) assert.equal(mentions('new', e), 1, `${e.involvedObject.name} once to new`);
  } finally {
    await live.close();
    await redis.quit();
  }
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'kh-cli-test', log });
  const lagBefore = await admin.groupLag(config.kafka.groupId, topic);
  const sent = standin.messages().length;
  const r = await cli(['replay', '--from', '4h', '--config', configFile]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /read 6, selected 6, matched 0, deduped 6/);
  assert.match(r.stdout, /sent 0 message/);
  assert.equal(standin.messages().length, sent);
  assert.equal(await admin.groupLag(config.kafka.groupId, topic), lagBefore);
  await admin.close();
});

test('a receiver added later is backfilled with exactly the window without --force, once; nothing to the others', async () => {
  const sent = { old: standin.messages('old').length, new: standin.messages('new').length };
  const replayLater = () => cli([...replayWindow, '--receiver', 'later', '--config', laterConfigFile]);
  const r = await replayLater();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /matched 3, deduped 0/);
  assert.match(r.stdout, /sent \d+ message\(s\) with 3 occurrence\(s\), failed 0/);
  for (const e of inside) assert.equal(mentions('later', e), 1, `${e.involvedObject.name} delivered once`);
  for (const e of [...before3h, ...after30m]) assert.equal(mentions('later', e), 0);
  assert.deepEqual({ old: standin.messages('old').length, new: standin.messages('new').length }, sent);
  const later = standin.messages('later').length;
  const again = await replayLater();
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /matched 0, deduped 3/);
  assert.match(again.stdout, /sent 0 message/);
  assert.equal(standin.messages('later').length, later);
});

test('bad input: one line and a documented exit code, nothing sent', async () => {
  const sent = standin.messages().length;
  const cases: [string[], number, RegExp][] = [
    [['replay', '--from', '1h', '--to', '2h', '--config', configFile], 1, /empty time range/],
    [['replay', '--from', 'yesterday-ish', '--config', configFile], 1, /--from: cannot read time/],
    [['replay', '--from', '1h', '--bogus', '--config', configFile], 1, /unknown option '--bogus'/],
    [['replay', '--from', '1h', '--receiver', 'nobody', '--config', configFile], 1, /no receiver "nobody"/],
  ];
  const missing = oldOnlyConfig('missing-topic.yaml', {
    brokers: kafkaBrokers(),
    topic: uniqueName('kh-no-such-topic'),
  });
  const unreachable = oldOnlyConfig('unreachable.yaml', { brokers: '127.0.0.1:1', topic });
  cases.push([
    ['replay', '--from', '1h', '--config', missing],
    2,
    /topic "kh-no-such-topic.*" does not exist/,
  ]);
  cases.push([
    ['replay', '--from', '1h', '--config', unreachable],
    2,
    /Kafka is unreachable at 127\.0\.0\.1:1/,
  ]);
  for (const [argv, code, message] of cases) {
    const r = await cli(argv);
    assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(standin.messages().length, sent);
});

test('a refused delivery: replay exits 3; failed list --replay shows it with the errcode (the live failed set does not)', async () => {
  const live = await cli(['failed', 'list', '--config', configFile, '--output', 'json']);
  const liveBefore = (JSON.parse(live.stdout) as unknown[]).length;
  const r = await cli([...replayWindow, '--receiver', 'strict', '--force', '--config', configFile]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, /sent 0 message\(s\) with 0 occurrence\(s\), failed [1-9]/);
  const list = await cli(['failed', 'list', '--replay', '--config', configFile, '--output', 'json']);
  assert.equal(list.code, 0, list.stderr);
  const jobs = JSON.parse(list.stdout) as { id: string; receiver: string; failedReason: string }[];
  assert.ok(jobs.length > 0);
  for (const j of jobs) {
    assert.equal(j.receiver, 'strict');
    assert.match(j.failedReason, /310000|keyword/);
  }
  const after = await cli(['failed', 'list', '--config', configFile, '--output', 'json']);
  assert.equal((JSON.parse(after.stdout) as unknown[]).length, liveBefore, 'nothing parked in the live set');
  assert.equal((await cli(['failed', 'retry', '--config', configFile])).code, 1);
});

test('replay never takes a live job: a robot refusing the replay (310000) while the live fleet delivers untouched', async () => {
  const config = loadNotifierConfig(configFile, {});
  // the replay runs with a config the robot refuses (no keyword: a laptop outside the allowlist alike)
  const refused = tmp.file('notifier-refused.yaml', {
    ...(yamlOf(configFile) as Record<string, unknown>),
    receivers: [oldReceiver()],
    route: {
      receiver: 'old',
      groupBy: ['cluster', 'namespace', 'name'],
      groupWait: '100ms',
      groupInterval: '200ms',
    },
  });
  const { live, redis } = await startLive(config, 'live2');
  try {
    const failedBefore = await live.queue.getFailedCount();
    const windowShown = () => inside.reduce((n, e) => n + mentions('old', e), 0);
    const shownBefore = windowShown();
    const fresh = ['now-a', 'now-b', 'now-c'].map((n) => makeEvent(n, {}, 'orders'));
    const replaying = cli([...replayWindow, '--receiver', 'old', '--force', '--config', refused]);
    await publisher.publish(
      topic,
      fresh.map((e) => recordOf(e)),
    );
    const r = await replaying;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /sent 0 message\(s\) with 0 occurrence\(s\), failed [1-9]/);
    await waitFor(() => fresh.every((e) => mentions('old', e) === 1), {
      timeoutMs: 30_000,
      what: 'the live fleet to deliver the events published during the replay',
    });
    assert.equal(windowShown(), shownBefore, 'no replay job was delivered by a live worker');
    assert.equal(await live.queue.getFailedCount(), failedBefore, 'nothing parked in the live failed set');
  } finally {
    await live.close();
    await redis.quit();
  }
});
