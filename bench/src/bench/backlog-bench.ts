import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafkaAdmin, createKafkaPublisher } from '@kube-herald/bus';
import { EVENT_HEADERS, encodeEvent, incidentKey, occurrenceId, partitionKey } from '@kube-herald/events';
import type { EventV1 } from '@kube-herald/events';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import { createLogger } from '@kube-herald/logging';
import { startChild } from '../child.js';
import { BENCH_RUN, ROOT } from '../paths.js';
import { freePort, waitUntil } from '../ports.js';
import { startPrivateKafka } from '../private-kafka.js';
import { startPrivateRedis } from '../private-redis.js';
import { notifierConfig, robotName } from '../world-config.js';

// `node --conditions=source --import tsx bench/src/bench/backlog-bench.ts [--events 1000000] [--heap 160]
// [--runs 1] [--node-args=--max-semi-space-size=2]` (BENCHMARKS.md "Notifier backlog"): publishes a backlog
// first, then starts one compiled notifier (startFrom earliest, --max-old-space-size as the chart sets it)
// and measures its peak RSS and ingest rate until the group's lag is 0. Needs `npx tsc -b` (dist/) first.
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    heap: { type: 'string', default: '160' },
    runs: { type: 'string', default: '1' },
    'node-args': { type: 'string', default: '' },
    /** kafka.maxBytes / kafka.maxBytesPerPartition of the notifier (default: the config's defaults). */
    'max-bytes': { type: 'string' },
    'max-bytes-per-partition': { type: 'string' },
  },
});
const log = createLogger({ name: 'backlog', level: 'warn', destination: process.stderr });
const say = (s: string): boolean => process.stderr.write(`[backlog] ${s}\n`);
const dir = join(BENCH_RUN, `backlog-${process.pid}-${Date.now()}`);
mkdirSync(dir, { recursive: true });

/** Event `n`: 30 % repeats (count + 1 of an incident's event uid) over 1,000 objects. */
function event(n: number): EventV1 {
  const obj = n % 1000;
  const repeat = (n * 7919) % 100 < 30;
  const uid = repeat ? `ev-${obj}` : `ev-${n}`;
  const count = repeat ? n + 1 : 1;
  const ns = `ns-${obj % 10}`;
  const name = `pod-${obj}`;
  const now = new Date().toISOString();
  return {
    schema: 'kube-herald.event/v1',
    occurrenceId: occurrenceId({ clusterId: 'bench', eventUid: uid, count }),
    incidentKey: incidentKey({ clusterId: 'bench', namespace: ns, kind: 'Pod', name, reason: 'BackOff' }),
    cluster: { id: 'bench', name: 'bench' },
    type: 'Warning',
    reason: 'BackOff',
    message: `Back-off restarting failed container app in pod ${name}`,
    count,
    firstSeen: now,
    lastSeen: now,
    source: { component: 'kubelet', host: `node-${obj % 7}` },
    involvedObject: { kind: 'Pod', namespace: ns, name, uid: `pod-uid-${obj}`, apiVersion: 'v1' },
    event: { apiVersion: 'v1', namespace: ns, name: `${name}.${n}`, uid, resourceVersion: String(n + 1) },
    observedAt: now,
    collector: { instance: 'bench', version: '0.0.0' },
  };
}

const events = Number(values.events);
const kafka = await startPrivateKafka(join(dir, 'kafka'), 1);
const redis = await startPrivateRedis(join(dir, 'redis'));
const rows: Record<string, number>[] = [];
try {
  for (let r = 0; r < Number(values.runs); r += 1) {
    const run = `${events}-${Date.now()}`;
    const topic = `kh-backlog-${run}`;
    const groupId = `kh-backlog-${run}`;
    const admin = createKafkaAdmin({ brokers: kafka.brokers, clientId: 'kh-bench-admin', log });
    await admin.ensureTopics([
      { topic, partitions: 6 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    const publisher = createKafkaPublisher({ brokers: kafka.brokers, clientId: 'kh-backlog-pub', log });
    await publisher.start();
    const tp = performance.now();
    for (let i = 0; i < events; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, events - i) }, (_, j) => {
        const e = event(i + j);
        return { key: partitionKey(e), value: encodeEvent(e), headers: { ...EVENT_HEADERS } };
      });
      await publisher.publish(topic, batch);
    }
    await publisher.close();
    say(`published ${events} in ${Math.round(performance.now() - tp)} ms`);
    const dingtalk = createDingtalkStandin({
      robots: Array.from({ length: 10 }, (_, i) => ({
        name: robotName(i),
        token: `b-${run}-${i}`,
        keywords: ['K8s'],
      })),
    });
    await dingtalk.start();
    const port = await freePort();
    const doc = notifierConfig(
      Array.from({ length: 10 }, (_, i) => dingtalk.webhookFor(robotName(i))),
      { groupWait: '10s', groupInterval: '1m', repeatInterval: '4h' },
      {
        brokers: kafka.brokers,
        redisUrl: redis.url,
        topic,
        dlqTopic: `${topic}.dlq`,
        groupId,
        redisPrefix: `khbl-${run}`,
      },
      port,
    );
    const kafkaDoc = doc['kafka'] as Record<string, unknown>;
    const file = join(dir, `notifier-${run}.json`);
    const fetch = {
      ...(values['max-bytes'] ? { maxBytes: Number(values['max-bytes']) } : {}),
      ...(values['max-bytes-per-partition']
        ? { maxBytesPerPartition: Number(values['max-bytes-per-partition']) }
        : {}),
    };
    writeFileSync(file, JSON.stringify({ ...doc, kafka: { ...kafkaDoc, ...fetch, startFrom: 'earliest' } }), {
      mode: 0o600,
    });
    const child = startChild({
      name: 'notifier',
      args: [join(ROOT, 'bench/dist/src/notifier-entry.js'), '--config', file],
      compiled: true,
      nodeArgs: [`--max-old-space-size=${values.heap}`, ...values['node-args'].split(' ').filter(Boolean)],
      logFile: join(dir, 'notifier.log'),
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    });
    try {
      const t0 = performance.now();
      await child.ready(90_000);
      await waitUntil(
        async () => (await admin.groupLag(groupId, topic)) === 0,
        1_800_000,
        'backlog consumed',
        250,
      );
      const s = (performance.now() - t0) / 1000;
      const u = child.usage();
      const row = {
        events,
        heapMb: Number(values.heap),
        seconds: Math.round(s),
        eventsPerSec: Math.round(events / s),
        peakRssMb: Math.round(u.peakRssMb),
        cpuSeconds: Math.round(u.cpuSeconds),
      };
      say(JSON.stringify(row));
      rows.push(row);
    } finally {
      await child.stop();
      await dingtalk.close();
      await admin.close();
    }
  }
} finally {
  await kafka.close();
  await redis.close();
}
process.stdout.write(
  `\n| events | heap cap (MB) | s (from start) | events/s | peak RSS (MB) | CPU s |\n|---|---|---|---|---|---|\n`,
);
for (const x of rows)
  process.stdout.write(
    `| ${x['events']} | ${x['heapMb']} | ${x['seconds']} | ${x['eventsPerSec']} | ${x['peakRssMb']} | ${x['cpuSeconds']} |\n`,
  );
mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
writeFileSync(
  join(ROOT, 'artifacts', 'bench-backlog.json'),
  `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`,
);
