// Quick throughput/RSS profile of the collector's hot path: stand-in (child process) → list/watch →
// normalize → skip → enrich → buffer → real Kafka (acks=all). Not a test, not the official bench (bench/).
//   source .run/services.env
//   node --conditions=source --import tsx services/collector/scripts/profile-hot-path.ts [listN] [watchN]
// Env: NULLPUB=1 (no Kafka), COMPRESSION=zstd|gzip|none (default zstd), ENRICH=1, BUFFER=<bufferSize>, KH_LOG_LEVEL. Add --cpu-prof to profile.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { createKafkaAdmin, createKafkaPublisher } from '@kube-herald/bus';
import { parseConfig } from '@kube-herald/config';
import { createLogger } from '@kube-herald/logging';
import { createRegistry } from '@kube-herald/observability';
import {
  collectorConfigSchema,
  createCollectorMetrics,
  createCollectorService,
  createKubeClient,
  createStartingPublisher,
  loadKubeConfig,
} from '../src/index.js';

const listN = Number(process.argv[2] ?? 20_000);
const watchN = Number(process.argv[3] ?? 50_000);
const brokers = (process.env.KH_KAFKA_BROKERS ?? '').split(',');
const log = createLogger({ name: 'profile', level: process.env.KH_LOG_LEVEL ?? 'warn' });
const child = fork(join(import.meta.dirname, 'profile-standin.ts'), [], {
  execArgv: ['--conditions=source', '--import', 'tsx'],
});
const ask = <T>(msg: object, key: string): Promise<T> =>
  new Promise((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
const kubeconfig = await new Promise<string>((resolve) =>
  child.once('message', (m: { kubeconfig: string }) => resolve(m.kubeconfig)),
);
const topic = `profile-${process.pid}-${Date.now()}`;
const admin = createKafkaAdmin({ brokers, clientId: 'profile', log });
await admin.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }]);
await admin.close();

const config = parseConfig(collectorConfigSchema, {
  cluster: { id: 'profile' },
  kafka: { brokers, topic },
  collector: {
    enrichment: { enabled: process.env.ENRICH === '1' },
    ...(process.env.BUFFER ? { bufferSize: Number(process.env.BUFFER) } : {}),
  },
});
const registry = createRegistry('profile');
const metrics = createCollectorMetrics(registry);
const publisher =
  process.env.NULLPUB === '1'
    ? { publish: () => new Promise<void>((r) => setImmediate(r)), close: () => Promise.resolve() }
    : createStartingPublisher(
        createKafkaPublisher({
          brokers,
          clientId: 'profile',
          log,
          compression:
            (['zstd', 'gzip', 'none'] as const).find((c) => c === process.env.COMPRESSION) ?? 'zstd',
        }),
      );
const client = createKubeClient(await loadKubeConfig({ kubeconfig }));
const service = createCollectorService({
  config,
  log,
  metrics,
  client,
  publisher,
  identity: 'p',
  version: '0',
});
let maxRss = 0;
let peak: NodeJS.MemoryUsage | undefined;
const sampler = setInterval(() => {
  const u = process.memoryUsage();
  if (u.rss > maxRss) [maxRss, peak] = [u.rss, u];
}, 50);
const published = async (): Promise<number> => (await metrics.eventsPublished.get()).values[0]?.value ?? 0;
async function until(n: number): Promise<void> {
  while ((await published()) < n) await new Promise((r) => setTimeout(r, 20));
}
const mb = (b: number): string => (b / 1048576).toFixed(0);
const logPeak = (): void => {
  const parts = Object.entries(peak ?? {}).map(([k, v]: [string, number]) => `${k} ${mb(v)} MB`);
  log.warn(`memory at peak RSS: ${parts.join(', ')}`);
};
const report = (phase: string, n: number, ms: number, cpu0: NodeJS.CpuUsage): void => {
  const cpu = process.cpuUsage(cpu0);
  log.warn(
    `${phase}: ${n} events in ${ms.toFixed(0)} ms = ${Math.round((n / ms) * 1000)}/s; collector CPU ` +
      `${((cpu.user + cpu.system) / 1000 / ms).toFixed(2)} cores = ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU/event; max RSS ${mb(maxRss)} MB; heap now ${mb(process.memoryUsage().heapUsed)} MB`,
  );
};

log.warn(`idle RSS ${mb(process.memoryUsage().rss)} MB, heap ${mb(process.memoryUsage().heapUsed)} MB`);
await ask({ create: listN }, 'created');
let cpu0 = process.cpuUsage();
let t0 = performance.now();
await service.start();
await until(listN);
report('LIST', listN, performance.now() - t0, cpu0);
logPeak();
await new Promise((r) => setTimeout(r, 500));
cpu0 = process.cpuUsage();
t0 = performance.now();
const created = ask<number>({ create: watchN }, 'created');
await until(listN + watchN);
report('WATCH', watchN, performance.now() - t0, cpu0);
await created;
logPeak();
clearInterval(sampler);
await service.close();
await publisher.close();
child.send({ stop: true });
