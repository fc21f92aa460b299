// Quick ingest measurement (not a test; the official numbers come from bench/):
//   node --conditions=source --import tsx services/notifier/test/ingest-perf.ts [events] [--kafka]
// Runs the Kafka batch handler (decode → dedup → route → group in Redis) over synthetic records against a
// private redis-server, so that INFO commandstats deltas count only this process' commands (one EVALSHA
// of a batch = one round trip). With --kafka it also times a notifier consuming the events from Kafka.
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import {
  createKafkaAdmin,
  createKafkaPublisher,
  createKafkaSubscriber,
  type BusRecord,
  type Publisher,
  type SubscriberHandler,
} from '@kube-herald/bus';
import { EVENT_HEADERS, encodeEvent, type EventV1 } from '@kube-herald/events';
import { createLogger } from '@kube-herald/logging';
import { createRegistry } from '@kube-herald/observability';
import { kafkaBrokers, uniqueName } from '@kube-herald/testing';
import { parseNotifierConfig } from '../src/config.js';
import { createNotifier } from '../src/notifier.js';
import { createReceivers } from '../src/receivers/index.js';
import { metricValue, warning } from './pipeline-harness.js';

const N = Number(process.argv[2] ?? 30_000);
const withKafka = process.argv.includes('--kafka');
const pcArg = process.argv.find((a) => a.startsWith('--pc='));
const partitionsConcurrently = pcArg === undefined ? 1 : Number(pcArg.slice(5));
const port = 20_000 + Math.floor(Math.random() * 20_000);
let lines = 0;
const sink = new Writable({
  write(chunk: Buffer, _e, done) {
    for (const b of chunk) if (b === 10) lines += 1;
    done();
  },
});
// info level: the decision log writes one line per event, as in production
const levelArg = process.argv.find((a) => a.startsWith('--log='));
// --stdout: pino's own destination (stdout, as in production) instead of an in-memory sink
const log = createLogger({
  name: 'perf',
  level: levelArg?.slice(6) ?? 'info',
  ...(process.argv.includes('--stdout') ? {} : { destination: sink }),
});
const out = createLogger({ name: 'perf', level: 'info', destination: process.stderr });

function startRedis(): Promise<ChildProcess> {
  const p = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  return new Promise((resolve) => setTimeout(() => resolve(p), 500));
}

async function commands(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  const res: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    res[m[1] ?? ''] = Number(m[2]);
    if (m[1] === 'evalsha') res['evalshaUsec'] = Number(m[3]);
  }
  return res;
}

function delta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) if (v - (a[k] ?? 0) > 0) d[k] = v - (a[k] ?? 0);
  delete d['info'];
  return d;
}

function events(n: number, tag: string): EventV1[] {
  return Array.from({ length: n }, (_, i) =>
    warning(
      { ns: `ns-${i % 20}`, name: `${tag}-pod-${i % 2000}`, reason: i % 3 === 0 ? 'BackOff' : 'Unhealthy' },
      i + 1,
    ),
  );
}

function config(redisPrefix: string, topic: string) {
  return parseNotifierConfig({
    kafka: { brokers: withKafka ? kafkaBrokers() : ['127.0.0.1:1'], topic, groupId: uniqueName('perf') },
    redis: { url: `redis://127.0.0.1:${port}`, prefix: redisPrefix },
    receivers: [
      {
        name: 'oncall',
        type: 'dingtalk',
        webhook: 'http://127.0.0.1:1/robot/send?access_token=x',
        insecureHttp: true,
        keywords: ['K8s'],
      },
    ],
    route: {
      receiver: 'oncall',
      groupBy: ['cluster', 'namespace', 'reason'],
      groupWait: '1h',
      groupInterval: '1h',
      repeatInterval: '4h',
    },
  });
}

const noPublish: Pick<Publisher, 'publish'> = { publish: () => Promise.resolve() };

async function handlerOnly(redis: Redis): Promise<void> {
  const cfg = config(uniqueName('perf'), 'unused');
  const registry = createRegistry('notifier', false);
  const sub = { start: () => Promise.resolve(), close: () => Promise.resolve() };
  let handler: SubscriberHandler | undefined;
  const notifier = createNotifier({
    config: cfg,
    log,
    redis,
    subscriber: { start: (h) => ((handler = h), sub.start()), close: sub.close },
    publisher: noPublish,
    receivers: createReceivers(cfg),
    registry,
    options: { deliver: false, schedule: false },
  });
  await notifier.start();
  const recs: BusRecord[] = events(N, 'h').map((e, i) => ({
    topic: 't',
    partition: 0,
    offset: String(i),
    key: null,
    value: Buffer.from(encodeEvent(e)),
    headers: { ...EVENT_HEADERS },
    timestamp: 0,
  }));
  const before = await commands(redis);
  const sent0 = sent;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < recs.length; i += 1000)
    await handler?.(recs.slice(i, i + 1000), {
      topic: 't',
      partition: 0,
      heartbeat: () => Promise.resolve(),
      isStale: () => false,
    });
  const ms = performance.now() - t0;
  // CPU time is what a loaded shared machine distorts least
  const cpu = process.cpuUsage(cpu0);
  const cpuUsPerEvent = Math.round(((cpu.user + cpu.system) / N) * 10) / 10;
  const roundTrips = sent - sent0;
  const d = delta(before, await commands(redis));
  out.info(
    {
      events: N,
      ms: Math.round(ms),
      perSecond: Math.round((N / ms) * 1000),
      cpuUsPerEvent,
      roundTrips,
      roundTripsPerEvent: roundTrips / N,
      redisCommands: d,
      logLines: lines,
    },
    'handler only (decode → dedup → route → group, 1000-record batches)',
  );
  await notifier.close();
}

async function viaKafka(redis: Redis): Promise<void> {
  const topic = uniqueName('perf-events');
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'perf-admin', log });
  await admin.ensureTopics([{ topic, partitions: 3 }]);
  await admin.close();
  const pub = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'perf-pub', log });
  await pub.start();
  const evs = events(N, 'k');
  for (let i = 0; i < evs.length; i += 2000)
    await pub.publish(
      topic,
      evs.slice(i, i + 2000).map((e) => ({
        key: `${e.cluster.id}/${e.involvedObject.uid}`,
        value: encodeEvent(e),
        headers: { ...EVENT_HEADERS },
      })),
    );
  const cfg = config(uniqueName('perf'), topic);
  const registry = createRegistry('notifier', false);
  const subscriber = createKafkaSubscriber({
    brokers: kafkaBrokers(),
    clientId: 'perf-sub',
    log,
    groupId: cfg.kafka.groupId,
    topics: [topic],
    fromBeginning: true,
  });
  const notifier = createNotifier({
    config: cfg,
    log,
    redis,
    subscriber,
    publisher: pub,
    receivers: createReceivers(cfg),
    registry,
    options: { deliver: false, schedule: false },
  });
  const before = await commands(redis);
  const t0 = performance.now();
  await notifier.start();
  let tFirst = 0;
  for (;;) {
    const c = await metricValue(registry, 'kube_herald_notifier_grouped_total');
    if (c > 0 && tFirst === 0) tFirst = performance.now();
    if (c >= N) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const t1 = performance.now();
  const d = delta(before, await commands(redis));
  out.info(
    {
      events: N,
      msFromStart: Math.round(t1 - t0),
      msFromFirstRecord: Math.round(t1 - tFirst),
      perSecondSteady: Math.round((N / (t1 - tFirst)) * 1000),
      redisCommands: d,
    },
    `from Kafka (3 partitions, one consumer, ${partitionsConcurrently} partition(s) at a time)`,
  );
  await notifier.close();
  await pub.close();
}

const redisProc = await startRedis();
const redis = new Redis(`redis://127.0.0.1:${port}`);
// Round trips as the client sees them: commands this connection sent (a pipeline would count per command)
let sent = 0;
const send = redis.sendCommand.bind(redis);
redis.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
  sent += 1;
  return send(...args);
};
try {
  await handlerOnly(redis);
  if (withKafka) await viaKafka(redis);
} finally {
  await redis.quit();
  redisProc.kill('SIGTERM');
}
