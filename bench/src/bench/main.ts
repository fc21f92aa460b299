import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafkaAdmin } from '@kube-herald/bus';
import { createLogger } from '@kube-herald/logging';
import { BENCH_RUN, ROOT } from '../paths.js';
import { startPrivateKafka } from '../private-kafka.js';
import { startPrivateRedis } from '../private-redis.js';
import { collectorRun, type CollectorRun } from './collector-bench.js';
import {
  collectorEnrichRun,
  collectorRatesRun,
  type CollectorEnrichRun,
  type CollectorRatesRun,
} from './collector-rates-bench.js';
import { latencyRun } from './e2e-bench.js';
import { machine, median, round } from './machine.js';
import { notifierRun, redisBenchmark, type NotifierRun } from './notifier-bench.js';
import { producerPerformance } from './producer-perf.js';
import { climbingStormRun, stormRun, type StormRun } from './storm-bench.js';

// `bash scripts/bench.sh <collector|notifier|e2e|storm|all> [options]` — see BENCHMARKS.md. Starts its own
// private Kafka and Redis under .run/bench/, prints Markdown tables and writes artifacts/bench-<what>.json.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    runs: { type: 'string', default: '3' },
    'e2e-events': { type: 'string', default: '120' },
    'e2e-rate': { type: 'string', default: '2' },
    'storm-events': { type: 'string', default: '100000' },
    'storm-seconds': { type: 'string', default: '300' },
    'climbing-pods': { type: 'string', default: '300' },
    'idle-seconds': { type: 'string', default: '60' },
    rate: { type: 'string', default: '500' },
    'rate-seconds': { type: 'string', default: '40' },
    'enrich-pods': { type: 'string', default: '500' },
    'enrich-rate': { type: 'string', default: '2000' },
    'watched-pods': { type: 'string', default: '10000' },
    // collector.publishLinger in ms for the steady-rate runs (default: the collector's own default)
    'publish-linger': { type: 'string' },
  },
});
const what = positionals[0] ?? 'all';
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
const log = createLogger({
  name: 'bench',
  level: process.env.KH_LOG_LEVEL ?? 'warn',
  destination: process.stderr,
});
const dir = join(BENCH_RUN, `bench-${process.pid}-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const out = (s: string): boolean => process.stdout.write(s);
const report: Record<string, unknown> = {
  at: new Date().toISOString(),
  machine: machine(),
  args: process.argv.slice(2),
};
const nodeArgs = (process.env.KH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const say = (s: string): boolean => process.stderr.write(`[bench] ${s}\n`);

const kafka = await startPrivateKafka(join(dir, 'kafka'), 1);
const redis = await startPrivateRedis(join(dir, 'redis'));
const plumbing = { brokers: kafka.brokers, redisUrl: redis.url };
/** ProducerPerformance's records/s on a new 6-partition topic named after `prefix`. */
async function ppOnNewTopic(prefix: string, records: number, recordBytes: number): Promise<number> {
  const topic = `${prefix}-${Date.now()}`;
  const admin = createKafkaAdmin({ brokers: kafka.brokers, clientId: 'kh-bench-admin', log });
  await admin.ensureTopics([{ topic, partitions: 6 }]);
  await admin.close();
  return (await producerPerformance(kafka.brokers, topic, records, recordBytes)).recordsPerSec;
}

const STORM_HEAD =
  '| created | accounted (decision log) | share | lost | accounted (message text) | in messages within 2 min | messages | max msgs/min/robot | throttle answers | duplicate msgs | first message after | drained after storm |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n';
const stormRow = (r: StormRun): string =>
  `| ${r.created} | ${r.accounted} | ${r.accountedPct} % | ${r.lost} | ${r.messageAccounted} | ${r.inTimePct} % | ${r.messages} | ${r.maxPerMinutePerRobot} | ${r.throttleAnswers} | ${r.duplicateMessages} | ${r.timeToFirstMessageS} s | ${r.drainS} s |\n`;

try {
  if (what === 'collector' || what === 'all') {
    out(
      '\n## Collector: API stand-in → acknowledged Kafka writes\n\n| events | runs | events/s (median) | created/s by the stand-in | CPU s / 10k events | peak RSS MB | ProducerPerformance records/s (same broker, same run) | ours / ceiling |\n|---|---|---|---|---|---|---|---|\n',
    );
    const rows: unknown[] = [];
    let recordBytes = 900;
    // The broker was just started: before this warm-up, the first run after its start was the slowest of
    // its set in 5 of 5 sets (4–17 % under the median, 2026-11-26). A production broker is warm, so one
    // unrecorded load warms it first.
    say('warming the broker up (ProducerPerformance, 200,000 records, not recorded)');
    await ppOnNewTopic('kh-bench-warmup', 200_000, recordBytes);
    for (const n of sizes) {
      const rs: CollectorRun[] = [];
      const pp: number[] = [];
      for (let r = 0; r < runs; r++) {
        say(`collector ${n} run ${r + 1}/${runs}`);
        const c = await collectorRun(dir, kafka.brokers, n, log, nodeArgs);
        if (c.meanRecordBytes) recordBytes = c.meanRecordBytes;
        rs.push(c);
        pp.push(await ppOnNewTopic(`kh-bench-pp-${n}-${r}`, Math.max(n, 200_000), recordBytes));
      }
      const eps = median(rs.map((x) => x.eventsPerSec));
      const ceiling = median(pp);
      const ratio = median(rs.map((x, i) => x.eventsPerSec / pp[i]!));
      rows.push({ events: n, runs: rs, producerPerformance: pp, recordBytes });
      out(
        `| ${n} | ${runs} | ${round(eps)} | ${round(median(rs.map((x) => x.createdPerSec)))} | ${round(median(rs.map((x) => x.cpuSecondsPer10k)), 2)} | ${round(Math.max(...rs.map((x) => x.peakRssMb)))} | ${round(ceiling)} (record ${recordBytes} B) | ${round(ratio * 100, 1)} % |\n`,
      );
    }
    report.collector = rows;
  }
  if (what === 'collector-rates' || what === 'all') {
    // The rates real clusters run (BENCHMARKS.md "Collector at real rates"): idle, steady, enrichment.
    const idleSeconds = Number(values['idle-seconds']);
    const rate = Number(values.rate);
    const seconds = Number(values['rate-seconds']);
    out(
      `\n## Collector at real rates: idle ${idleSeconds} s, then ${rate} events/s for ${seconds} s\n\n| run | compaction after start ms | idle CPU s/min | idle RSS MB | CPU s / 10k events | p50 ms | p99 ms | max ms | peak RSS MB |\n|---|---|---|---|---|---|---|---|---|\n`,
    );
    const rs: CollectorRatesRun[] = [];
    for (let r = 0; r < runs; r++) {
      say(`collector-rates run ${r + 1}/${runs}`);
      const linger = values['publish-linger'];
      const x = await collectorRatesRun(dir, kafka.brokers, log, nodeArgs, {
        idleSeconds,
        rate,
        seconds,
        ...(linger === undefined ? {} : { publishLinger: Number(linger) }),
      });
      rs.push(x);
      out(
        `| ${r + 1} | ${round(x.compactionMs)} | ${round(x.idleCpuPerMin, 3)} | ${round(x.idleRssMb)} | ${round(x.steadyCpuPer10k, 2)} | ${round(x.p50Ms, 1)} | ${round(x.p99Ms, 1)} | ${round(x.maxMs)} | ${round(x.peakRssMb)} |\n`,
      );
    }
    const m = (f: (x: (typeof rs)[number]) => number, d = 2): string =>
      `${round(median(rs.map(f)), d)} (${round(Math.min(...rs.map(f)), d)}–${round(Math.max(...rs.map(f)), d)})`;
    out(
      `| median (range) | ${m((x) => x.compactionMs, 0)} | ${m((x) => x.idleCpuPerMin, 3)} | ${m((x) => x.idleRssMb, 0)} | ${m((x) => x.steadyCpuPer10k)} | ${m((x) => x.p50Ms, 1)} | ${m((x) => x.p99Ms, 1)} | ${m((x) => x.maxMs, 0)} | ${m((x) => x.peakRssMb, 0)} |\n`,
    );
    const pods = Number(values['enrich-pods']);
    const erate = Number(values['enrich-rate']);
    const watched = Number(values['watched-pods']);
    out(
      `\n## Collector enrichment: ${pods} new Pods, ${erate} events/s about them, ${watched} Pods watched\n\n| run | events/s | enriched | owner GETs | peak RSS MB |\n|---|---|---|---|---|\n`,
    );
    const es: CollectorEnrichRun[] = [];
    for (let r = 0; r < runs; r++) {
      say(`collector-enrich run ${r + 1}/${runs}`);
      const x = await collectorEnrichRun(dir, kafka.brokers, log, nodeArgs, {
        pods,
        rate: erate,
        extraPods: watched,
      });
      es.push(x);
      out(
        `| ${r + 1} | ${round(x.eventsPerSec)} | ${round(x.enrichedShare * 100, 2)} % | ${x.ownerGets} | ${round(x.peakRssMb)} |\n`,
      );
    }
    report.collectorRates = { rates: rs, enrichment: es };
  }
  if (what === 'notifier' || what === 'all') {
    out(
      '\n## Notifier: Kafka → validate → dedup → route → group in Redis (offsets committed)\n\n| events | runs | events/s (median) | published/s | Redis round trips / event | Redis commands / event (incl. inside Lua) | CPU s / 10k | peak RSS MB |\n|---|---|---|---|---|---|---|---|\n',
    );
    const rows: unknown[] = [];
    for (const n of sizes) {
      const rs: NotifierRun[] = [];
      for (let r = 0; r < runs; r++) {
        say(`notifier ${n} run ${r + 1}/${runs}`);
        rs.push(await notifierRun(dir, kafka.brokers, redis.url, n, log));
      }
      rows.push({ events: n, runs: rs });
      out(
        `| ${n} | ${runs} | ${round(median(rs.map((x) => x.eventsPerSec)))} | ${round(median(rs.map((x) => x.publishedPerSec)))} | ${round(median(rs.map((x) => x.roundTripsPerEvent)), 4)} | ${round(median(rs.map((x) => x.redisCommandsPerEvent)), 3)} | ${round(median(rs.map((x) => x.cpuSecondsPer10k)), 2)} | ${round(Math.max(...rs.map((x) => x.peakRssMb)))} |\n`,
      );
    }
    const last = rows.at(-1) as { runs: NotifierRun[] } | undefined;
    out(
      `\nRedis commandstats delta of the last run: \`${JSON.stringify(last?.runs.at(-1)?.commandStats ?? {})}\`\n`,
    );
    say('redis-benchmark');
    const rb = await redisBenchmark(redis.port, 100_000);
    out(
      `\nredis-benchmark on the same Redis (-n 100000 -c 50): ${Object.entries(rb)
        .map(([k, v]) => `${k} ${round(v)}/s`)
        .join(', ')}\n`,
    );
    report.notifier = { rows, redisBenchmark: rb };
  }
  if (what === 'e2e' || what === 'all') {
    const n = Number(values['e2e-events']);
    const rate = Number(values['e2e-rate']);
    out(
      `\n## End to end: created in the API stand-in → accepted by the DingTalk stand-in (${n} events at ${rate}/s, 10 robots)\n\n| route | measured | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n`,
    );
    const quiet = await latencyRun(
      dir,
      plumbing,
      'groupWait-0',
      {
        groupWait: '0s',
        groupInterval: '1s',
        repeatInterval: '1h',
        groupBy: ['cluster', 'namespace', 'name'],
      },
      n,
      rate,
      log,
    );
    const dflt = await latencyRun(
      dir,
      plumbing,
      'default-grouping',
      { groupWait: '10s', groupInterval: '1m', repeatInterval: '4h' },
      n,
      rate,
      log,
    );
    for (const r of [quiet, dflt])
      out(
        `| ${r.label} (${JSON.stringify(r.route)}) | ${r.measured}/${r.events} | ${r.p50Ms} | ${r.p95Ms} | ${r.p99Ms} | ${r.maxMs} |\n`,
      );
    report.e2e = [quiet, dflt];
  }
  if (what === 'storm' || what === 'all') {
    const n = Number(values['storm-events']);
    const s = Number(values['storm-seconds']);
    say(`storm ${n} events in ${s} s`);
    const r = await stormRun(dir, plumbing, n, s, log);
    out(
      `\n## Storm: ${n} Warning events in ${s} s over 1,000 objects, 3 clusters, 10 robots (groupWait 10s, groupInterval 1m, repeatInterval 4h)\n\n${STORM_HEAD}`,
    );
    out(stormRow(r));
    report.storm = r;
  }
  if (what === 'storm-climbing' || what === 'all') {
    const pods = Number(values['climbing-pods']);
    say(`climbing storm: ${pods} pods, counts 1 → 10 in 60 s`);
    const r = await climbingStormRun(dir, plumbing, { pods, counts: 10, seconds: 60 }, log);
    out(
      `\n## Climbing storm: ${pods} Pods in 24 namespaces, counts 1 → 10 in 60 s (${r.events} events), 1 cluster, 10 robots (groupWait 10s, groupInterval 1m, repeatInterval 4h)\n\n${STORM_HEAD}`,
    );
    out(stormRow(r));
    report.stormClimbing = r;
  }
} finally {
  await redis.close();
  await kafka.close();
}
mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
const file = join(ROOT, 'artifacts', `bench-${what}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
out(`\nMachine: ${JSON.stringify(report.machine)}; JSON: ${file}\n`);
