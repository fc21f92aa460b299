import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaAdmin } from '@kube-herald/bus';
import { createKubeStandin, ownerGets, startFailingPod, type KubeStandin } from '@kube-herald/kube-standin';
import type { Logger } from '@kube-herald/logging';
import { startChild, type Child } from '../child.js';
import { ROOT } from '../paths.js';
import { freePort, waitUntil } from '../ports.js';
import { createTopicReader } from '../topic-reader.js';
import { collectorConfig } from '../world-config.js';
import { collectorNodeOptions } from './collector-bench.js';

/** The collector at the rates real clusters run: idle with an open watch, and a steady event rate. */
export interface CollectorRatesRun {
  readonly idleSeconds: number;
  /** The one-off memory-reducing GC after start (the collector's metric), ms; the idle window begins after it. */
  readonly compactionMs: number;
  /**
   * CPU seconds per minute of the idle window (open watch, nothing happening), all threads, from 30 s after
   * the compaction after start.
   */
  readonly idleCpuPerMin: number;
  /** VmRSS at the end of the idle window. */
  readonly idleRssMb: number;
  /** Its parts: file-backed (the node binary's code and data pages) and anonymous (heaps, buffers). */
  readonly idleRssFileMb: number;
  readonly idleRssAnonMb: number;
  /** The collector's own view at that moment (its metrics): V8 heap used, and external + array buffers. */
  readonly idleHeapUsedMb: number;
  readonly idleExternalMb: number;
  readonly rate: number;
  readonly events: number;
  /** CPU s per 10,000 events over the steady window (first create → last record in Kafka). */
  readonly steadyCpuPer10k: number;
  /** Broker append time (LogAppendTime) − the API's write time, per record. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly peakRssMb: number;
}

/** The enrichment share of a burst of events about new Pods, and the peak RSS with many Pods watched. */
export interface CollectorEnrichRun {
  readonly pods: number;
  readonly events: number;
  readonly eventsPerSec: number;
  readonly enrichedShare: number;
  readonly ownerGets: number;
  readonly peakRssMb: number;
}

/** `VmRSS` and its file-backed and anonymous parts, MB. */
function rssMb(pid: number | undefined): { total: number; file: number; anon: number } {
  if (pid === undefined) return { total: 0, file: 0, anon: 0 };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number =>
    Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { total: field('VmRSS'), file: field('RssFile'), anon: field('RssAnon') };
}

/**
 * After its one-off compaction, V8's memory reducer runs a few more GCs in the next ~20 s; steady idle
 * (what a quiet cluster costs for hours) is measured after those.
 */
const IDLE_SETTLE_MS = 30_000;

/**
 * CPU seconds of all the process's threads from `/proc/<pid>/task/<tid>/schedstat` (ns): an idle minute is
 * a few milliseconds, below the 10 ms clock ticks of `/proc/<pid>/stat`.
 */
function threadsCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read: its time is no longer counted anywhere
    }
  }
  return ns / 1e9;
}

/** The collector's metrics, scraped once: the value of a metric by name (any labels), NaN when absent. */
async function scrape(port: number): Promise<(name: string) => number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

/** Waits (≤ 60 s) for the collector's one-off heap compaction after start (its metric); returns its ms. */
async function compactedAfterStart(port: number): Promise<number> {
  let ms = 0;
  await waitUntil(
    async () => {
      ms = (await scrape(port))('kube_herald_collector_heap_compaction_seconds') * 1000;
      return ms > 0;
    },
    60_000,
    'the heap compaction after start',
    200,
  );
  return ms;
}

/** Heap used and external memory (MB) from the collector's own metrics. */
async function heapMb(port: number): Promise<{ heapUsed: number; external: number }> {
  const metric = await scrape(port);
  return {
    heapUsed: metric('kube_herald_nodejs_heap_size_used_bytes') / 2 ** 20,
    external: metric('kube_herald_nodejs_external_memory_bytes') / 2 ** 20,
  };
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) : 0;

interface Rig {
  readonly kube: KubeStandin;
  readonly child: Child;
  readonly topic: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A stand-in in this process and the compiled collector (the chart's node options) on a fresh topic. */
async function startRig(
  dir: string,
  brokers: readonly string[],
  log: Logger,
  nodeArgs: readonly string[],
  name: string,
  enrichment: Record<string, unknown>,
  publishLinger?: number,
): Promise<Rig> {
  const kube = createKubeStandin({ clusterName: 'bench', watchCacheSize: 400_000 });
  await kube.start();
  const topic = `kh-bench-${name}-${Date.now()}`;
  const admin = createKafkaAdmin({ brokers, clientId: 'kh-bench-admin', log });
  // Latency is the broker's append time − the API's write time: the topic stamps LogAppendTime.
  await admin.ensureTopics([{ topic, partitions: 6, config: { 'message.timestamp.type': 'LogAppendTime' } }]);
  await admin.close();
  const port = await freePort();
  const file = join(dir, `collector-${name}-${Date.now()}.json`);
  const kubeconfig = await kube.writeKubeconfig(join(dir, `kubeconfig-${name}-${Date.now()}.yaml`));
  const doc = collectorConfig(
    { clusterId: 'bench', kubeconfig, identity: 'bench', leaderElection: false, httpPort: port },
    { brokers, redisUrl: '', topic, dlqTopic: `${topic}.dlq`, groupId: '', redisPrefix: '' },
  );
  const collector = {
    maxEventAge: '1h',
    enrichment,
    ...(publishLinger === undefined ? {} : { publishLinger }),
  };
  writeFileSync(file, JSON.stringify({ ...doc, collector }));
  const child = startChild({
    name: `collector-${name}`,
    // KH_BENCH_COLLECTOR_MAIN: another build's main.js, for an A/B comparison in the same conditions.
    args: [
      process.env.KH_BENCH_COLLECTOR_MAIN ?? join(ROOT, 'services/collector/dist/src/main.js'),
      '--config',
      file,
    ],
    compiled: true,
    nodeArgs,
    env: { NODE_OPTIONS: collectorNodeOptions() },
    logFile: join(dir, `collector-${name}.log`),
    readyUrl: `http://127.0.0.1:${port}/readyz`,
  });
  await child.ready(90_000);
  return {
    kube,
    child,
    topic,
    port,
    async close() {
      await child.stop();
      await kube.close();
    },
  };
}

/** Idle for `idleSeconds`, then `rate` events/s for `seconds`, each on its own Pod, paced one by one. */
export async function collectorRatesRun(
  dir: string,
  brokers: readonly string[],
  log: Logger,
  nodeArgs: readonly string[],
  o: { idleSeconds: number; rate: number; seconds: number; publishLinger?: number },
): Promise<CollectorRatesRun> {
  const rig = await startRig(dir, brokers, log, nodeArgs, 'rates', { enabled: false }, o.publishLinger);
  const written = new Map<string, number>(); // event uid → when the API wrote it
  const latencies: number[] = [];
  const reader = createTopicReader({
    brokers,
    topic: rig.topic,
    groupId: `${rig.topic}-latency`,
    log: log.child({}, { level: 'fatal' }),
    onRecord: (r) => {
      const uid = /"event":\{[^}]*"uid":"([^"]+)"/.exec(r.value?.toString('utf8') ?? '')?.[1];
      const at = uid === undefined ? undefined : written.get(uid);
      if (at !== undefined) latencies.push(r.timestamp - at);
    },
  });
  try {
    await reader.start();
    await sleep(5000); // settle after start (module loading, first LIST, producer connect)
    // Idle is steady idle: the window begins after the collector's one-off heap compaction after start.
    const compactionMs = await compactedAfterStart(rig.port);
    await sleep(IDLE_SETTLE_MS);
    const idle0 = threadsCpuSeconds(rig.child.pid());
    await sleep(o.idleSeconds * 1000);
    const idleCpu = threadsCpuSeconds(rig.child.pid()) - idle0;
    const idleRss = rssMb(rig.child.pid());
    const idleHeap = await heapMb(rig.port);
    const events = o.rate * o.seconds;
    const cpu0 = rig.child.usage().cpuSeconds;
    const t0 = Date.now();
    for (let i = 0; i < events; i++) {
      const due = t0 + (i * 1000) / o.rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const ev = rig.kube.createEvent({
        involvedObject: { kind: 'Pod', name: `pod-${i % 1000}`, namespace: `ns-${i % 10}` },
        reason: 'BackOff',
        type: 'Warning',
        message: `Back-off restarting failed container app in pod pod-${i % 1000}`,
        source: { component: 'kubelet', host: `node-${i % 7}` },
      });
      written.set(ev.metadata.uid as string, Date.now());
    }
    let cpu = cpu0;
    await waitUntil(
      () => {
        cpu = rig.child.usage().cpuSeconds;
        return Promise.resolve(latencies.length >= events);
      },
      120_000,
      `${events} records read back`,
      50,
    );
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      idleSeconds: o.idleSeconds,
      compactionMs,
      idleCpuPerMin: (idleCpu / o.idleSeconds) * 60,
      idleRssMb: idleRss.total,
      idleRssFileMb: idleRss.file,
      idleRssAnonMb: idleRss.anon,
      idleHeapUsedMb: idleHeap.heapUsed,
      idleExternalMb: idleHeap.external,
      rate: o.rate,
      events,
      steadyCpuPer10k: ((cpu - cpu0) / events) * 10_000,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? 0,
      peakRssMb: rig.child.usage().peakRssMb,
    };
  } finally {
    await reader.close();
    await rig.close();
  }
}

/**
 * `pods` Deployments (ReplicaSet + Pod each) created at `rate / 4` per second, each new Pod at once the
 * subject of 4 events (so `rate` events/s, most written before the Pod reached the collector); then the
 * share of records carrying owners (ReplicaSet → Deployment) and the `app` label. `extraPods` Pods exist
 * before the collector starts (its watched caches hold them: the peak RSS figure).
 */
export async function collectorEnrichRun(
  dir: string,
  brokers: readonly string[],
  log: Logger,
  nodeArgs: readonly string[],
  o: { pods: number; rate: number; extraPods: number },
): Promise<CollectorEnrichRun> {
  const rig = await startRig(dir, brokers, log, nodeArgs, 'enrich', { enabled: true, labelKeys: ['app'] });
  let enriched = 0;
  let seen = 0;
  const reader = createTopicReader({
    brokers,
    topic: rig.topic,
    groupId: `${rig.topic}-enrich`,
    log: log.child({}, { level: 'fatal' }),
    onRecord: (r) => {
      seen++;
      const v = r.value?.toString('utf8') ?? '';
      if (/"owners":\[\{"kind":"ReplicaSet".*\{"kind":"Deployment"/.test(v) && /"labels":\{"app":/.test(v)) {
        enriched++;
      }
    },
  });
  try {
    for (let i = 0; i < o.extraPods; i++) {
      rig.kube.workloads.deployment({ name: `base-${i}`, namespace: `base-${i % 20}` });
    }
    await sleep(3000); // the caches take them in through the watch
    await reader.start();
    const gets0 = ownerGets(rig.kube);
    const events = o.pods * 4;
    const t0 = Date.now();
    for (let i = 0; i < o.pods; i++) {
      const due = t0 + (i * 4 * 1000) / o.rate;
      if (due > Date.now()) await sleep(due - Date.now());
      startFailingPod(rig.kube, `web-${i}`, `ns-${i % 10}`);
    }
    await waitUntil(() => Promise.resolve(seen >= events), 120_000, `${events} records read back`, 50);
    const t1 = Date.now();
    return {
      pods: o.pods,
      events,
      eventsPerSec: events / ((t1 - t0) / 1000),
      enrichedShare: enriched / events,
      ownerGets: ownerGets(rig.kube) - gets0,
      peakRssMb: rig.child.usage().peakRssMb,
    };
  } finally {
    await reader.close();
    await rig.close();
  }
}
