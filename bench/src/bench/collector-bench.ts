import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafkaAdmin, type BusAdmin } from '@kube-herald/bus';
import { createKubeStandin } from '@kube-herald/kube-standin';
import type { Logger } from '@kube-herald/logging';
import { startChild } from '../child.js';
import { ROOT } from '../paths.js';
import { freePort, waitUntil } from '../ports.js';
import { createTopicReader } from '../topic-reader.js';
import { collectorConfig } from '../world-config.js';

/** One collector run: `events` created in the API stand-in while the collector watches. */
export interface CollectorRun {
  readonly events: number;
  /** Events per second from the first create to the last acknowledged write. */
  readonly eventsPerSec: number;
  /** How fast the stand-in created them (the source's own pace). */
  readonly createdPerSec: number;
  readonly cpuSecondsPer10k: number;
  readonly peakRssMb: number;
  /** Mean key+value bytes of a record (sampled by the smallest run). */
  readonly meanRecordBytes?: number;
}

/**
 * NODE_OPTIONS of the collector in production: `collector.nodeOptions` of the Helm chart's values, so the
 * bench measures the process users run (heap sizing included), not a tuned copy.
 */
export function collectorNodeOptions(): string {
  const values = readFileSync(join(ROOT, 'helm/kube-herald/values.yaml'), 'utf8');
  const m = /^collector:\n(?:(?: {2}.*)?\n)*? {2}nodeOptions: "([^"]*)"$/m.exec(values);
  if (!m) throw new Error('helm/kube-herald/values.yaml: collector.nodeOptions not found');
  return m[1] ?? '';
}

const sum = async (admin: BusAdmin, topic: string): Promise<number> =>
  (await admin.endOffsets(topic)).reduce((n, p) => n + Number(p.offset), 0);

/** Measures the collector process on `brokers` for `events` events (watch path, enrichment off). */
export async function collectorRun(
  dir: string,
  brokers: readonly string[],
  events: number,
  log: Logger,
  nodeArgs: readonly string[] = [],
): Promise<CollectorRun> {
  const kube = createKubeStandin({
    clusterName: 'bench',
    watchCacheSize: events + 10_000,
    bookmarkIntervalMs: 1000,
  });
  await kube.start();
  const topic = `kh-bench-collector-${Date.now()}`;
  const admin = createKafkaAdmin({ brokers, clientId: 'kh-bench-admin', log });
  await admin.ensureTopics([{ topic, partitions: 6 }]);
  const port = await freePort();
  const file = join(dir, `collector-${events}-${Date.now()}.json`);
  const kubeconfig = await kube.writeKubeconfig(join(dir, `kubeconfig-${events}-${Date.now()}.yaml`));
  const doc = collectorConfig(
    { clusterId: 'bench', kubeconfig, identity: 'bench', leaderElection: false, httpPort: port },
    { brokers, redisUrl: '', topic, dlqTopic: `${topic}.dlq`, groupId: '', redisPrefix: '' },
  );
  writeFileSync(
    file,
    JSON.stringify({
      ...doc,
      // KH_BENCH_COMPRESSION=gzip|none compares the publisher's codecs (default: the collector's, zstd).
      ...(process.env.KH_BENCH_COMPRESSION
        ? { kafka: { ...(doc.kafka as object), compression: process.env.KH_BENCH_COMPRESSION } }
        : {}),
      collector: {
        maxEventAge: '1h',
        bufferSize: 10_000,
        seenSize: Math.max(200_000, events * 2),
        enrichment: { enabled: false },
      },
    }),
  );
  const child = startChild({
    name: 'collector',
    args: [join(ROOT, 'services/collector/dist/src/main.js'), '--config', file],
    compiled: true,
    nodeArgs,
    env: { NODE_OPTIONS: collectorNodeOptions() },
    logFile: join(dir, 'collector.log'),
    readyUrl: `http://127.0.0.1:${port}/readyz`,
  });
  try {
    await child.ready(90_000);
    await new Promise((r) => setTimeout(r, 1000));
    const cpu0 = child.usage().cpuSeconds;
    const t0 = performance.now();
    for (let i = 0; i < events; i++) {
      kube.createEvent({
        involvedObject: { kind: 'Pod', name: `pod-${i % 1000}`, namespace: `ns-${i % 10}` },
        reason: 'BackOff',
        type: 'Warning',
        message: `Back-off restarting failed container app in pod pod-${i % 1000}`,
        source: { component: 'kubelet', host: `node-${i % 7}` },
      });
      if (i % 500 === 499) await new Promise((r) => setImmediate(r)); // let the watch stream flush
    }
    const tc = performance.now();
    let cpu = cpu0;
    await waitUntil(
      async () => {
        cpu = child.usage().cpuSeconds;
        return (await sum(admin, topic)) >= events;
      },
      600_000,
      `${events} records in Kafka`,
      50,
    );
    const t1 = performance.now();
    let bytes = 0;
    let meanRecordBytes: number | undefined;
    if (events <= 10_000) {
      const reader = createTopicReader({
        brokers,
        topic,
        groupId: `${topic}-size`,
        log: log.child({}, { level: 'fatal' }),
        onRecord: (r) => (bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0)),
      });
      await reader.start();
      await reader.caughtUp(60_000);
      await reader.close();
      meanRecordBytes = Math.round(bytes / events);
    }
    return {
      events,
      eventsPerSec: events / ((t1 - t0) / 1000),
      createdPerSec: events / ((tc - t0) / 1000),
      cpuSecondsPer10k: ((cpu - cpu0) / events) * 10_000,
      peakRssMb: child.usage().peakRssMb,
      ...(meanRecordBytes === undefined ? {} : { meanRecordBytes }),
    };
  } finally {
    await child.stop();
    await admin.close();
    await kube.close();
  }
}
