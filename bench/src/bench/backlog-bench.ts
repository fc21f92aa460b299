import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafkaAdmin, createKafkaPublisher } from '@kube-herald/bus';
import type { EventV1 } from '@kube-herald/events';
import { createLogger } from '@kube-herald/logging';
import { startChild } from '../child.js';
import { BENCH_RUN, ROOT } from '../paths.js';
import { freePort, waitUntil } from '../ports.js';
import { startPrivateKafka } from '../private-kafka.js';
import { startPrivateRedis } from '../private-redis.js';
import { benchEvent, ensureBenchTopics, publishEvents, startBenchRobots } from './notifier-load.js';

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
  return repeat ? benchEvent(n, `ev-${obj}`, n + 1) : benchEvent(n, `ev-${n}`, 1);
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
    await ensureBenchTopics(admin, topic);
    const publisher = createKafkaPublisher({ brokers: kafka.brokers, clientId: 'kh-backlog-pub', log });
    await publisher.start();
    const tp = performance.now();
    await publishEvents(publisher, topic, events, event);
    await publisher.close();
    say(`published ${events} in ${Math.round(performance.now() - tp)} ms`);
    const port = await freePort();
    const plumbing = {
      brokers: kafka.brokers,
      redisUrl: redis.url,
      topic,
      groupId,
      redisPrefix: `khbl-${run}`,
    };
    const { dingtalk, doc } = await startBenchRobots(`b-${run}`, plumbing, port);
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
