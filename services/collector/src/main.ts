import { hostname } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createKafkaPublisher } from '@kube-herald/bus';
import { ConfigError, readSecretFile, type ConfigProblem } from '@kube-herald/config';
import { createLogger, type Logger } from '@kube-herald/logging';
import { compactHeapWhenQuiet, runUntilSignal, type Closers } from '@kube-herald/process';
import { createHealthServer, createRegistry, type Check, type Registry } from '@kube-herald/observability';
import type { CheckpointStore } from './checkpoint.js';
import { createCollectorService } from './collector-service.js';
import { loadCollectorConfig, type CollectorConfig } from './config.js';
import { heapBudget } from './heap-budget.js';
import { createKafkaCheckpointStore } from './kafka-checkpoint.js';
import { createKubeClient, loadKubeConfig } from './kube-client.js';
import { createCollectorMetrics, type CollectorMetrics } from './metrics.js';
import { createStartingPublisher } from './starting-publisher.js';

type Env = Readonly<Record<string, string | undefined>>;

const VERSION = '0.1.0';
/** Batches below this many bytes go to Kafka uncompressed (~16 events). */
const COMPRESS_MIN_BYTES = 16 * 1024;
/**
 * How long the ordered close may take: within the chart's 30 s terminationGracePeriodSeconds (the buffer
 * flush has its own deadline; an unreachable broker can keep the producer connecting for a minute).
 */
const SHUTDOWN_DEADLINE_MS = 25_000;
/**
 * The heap is compacted once after start ({@link compactWhenQuiet}) at the first 5 s window in which the
 * event loop was busy at most 5 % (a steady 500 events/s keeps it ~20 % busy; a quiet watch ~0.1 %).
 */
const COMPACT_WINDOW_MS = 5_000;
const COMPACT_QUIET_UTILIZATION = 0.05;

type SaslMechanism = NonNullable<CollectorConfig['kafka']['sasl']>['mechanism'];

function kafkaAuth(config: CollectorConfig): {
  ssl?: boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
} {
  const { ssl, sasl } = config.kafka;
  if (!sasl) return ssl === undefined ? {} : { ssl };
  const problems: ConfigProblem[] = [];
  const password =
    sasl.password ??
    (sasl.passwordFile === undefined
      ? void problems.push({ path: 'kafka.sasl', message: 'set password or passwordFile' })
      : readSecretFile(sasl.passwordFile, 'kafka.sasl.passwordFile', problems));
  if (problems.length || password === undefined) throw new ConfigError(problems);
  // ssl undefined: libs/bus connects with TLS under SASL; an explicit false is warned about there
  return {
    ...(ssl === undefined ? {} : { ssl }),
    sasl: { mechanism: sasl.mechanism, username: sasl.username, password },
  };
}

/**
 * The Kafka producer the collector's buffer hands its batches to; it connects at the first publish, so
 * the collector starts while Kafka is unreachable.
 */
function createCollectorPublisher(
  config: CollectorConfig,
  log: Logger,
): ReturnType<typeof createStartingPublisher> {
  return createStartingPublisher(
    createKafkaPublisher({
      brokers: [...config.kafka.brokers],
      clientId: config.kafka.clientId,
      retries: config.kafka.retries,
      compression: config.kafka.compression,
      // The collector's buffer batches already (publish-queue.ts: sent at once when nothing is in flight,
      // else with what arrives until the acknowledgement): each of its batches goes out as it is handed
      // over (maxBatch 1: no linger, not even a 0 ms timer). A batch of a few events is not worth a
      // compression context (the largest CPU cost at a steady 500 events/s); bursts still compress.
      lingerMs: 0,
      maxBatch: 1,
      compressMinBytes: COMPRESS_MIN_BYTES,
      log,
      ...kafkaAuth(config),
    }),
  );
}

/** The checkpoint store on the collector's own topic when `collector.resume` is enabled (else none). */
function checkpointsOf(config: CollectorConfig, log: Logger): { checkpoints?: CheckpointStore } {
  const resume = config.collector.resume;
  if (!resume.enabled) return {};
  return {
    checkpoints: createKafkaCheckpointStore({
      brokers: [...config.kafka.brokers],
      clientId: config.kafka.clientId,
      log,
      ...kafkaAuth(config),
      topic: config.kafka.topic,
      clusterId: config.cluster.id,
      tailPerPartition: resume.tailPerPartition,
      maxAgeMs: config.collector.maxEventAge,
    }),
  };
}

/** Warns when the configured buffers and caches may not fit the heap. */
function warnWhenHeapShort(config: CollectorConfig, log: Logger): void {
  const budget = heapBudget(config.collector, getHeapStatistics().heap_size_limit);
  if (budget.fits) return;
  // Not fatal (the bounds are upper bounds), but under load such a collector runs out of heap.
  log.warn(
    {
      needMb: Math.round(budget.needBytes / 2 ** 20),
      heapLimitMb: Math.round(budget.limitBytes / 2 ** 20),
    },
    'collector.bufferBytes/bufferSize/seenSize/enrichment.cacheSize may not fit the heap: raise --max-old-space-size (helm collector.nodeOptions) or lower them',
  );
}

/** Starts the metrics and health server (registered first, so closed last). */
async function serveHealth(
  config: CollectorConfig,
  log: Logger,
  registry: Registry,
  ready: Check,
  closers: Closers,
): Promise<void> {
  const health = createHealthServer({
    registry,
    log,
    host: config.http.host,
    port: config.http.port,
    live: { process: () => true },
    ready: { collector: ready },
  });
  closers.add('health', () => health.close());
  const { port } = await health.start();
  log.info({ host: config.http.host, port }, 'metrics and health listening');
}

/**
 * One memory-reducing GC once the started collector is quiet (compactHeapWhenQuiet, ~70 ms once): start-up's
 * garbage and the young generation it grew are released, and the idle collector's RSS drops by 5–7 MB
 * (`bash scripts/bench.sh collector-rates`). Never inside a burst: it waits for a quiet window. Once:
 * later, the heap's own GCs keep it in shape.
 */
function compactWhenQuiet(log: Logger, metrics: CollectorMetrics, closers: Closers): void {
  const cancel = compactHeapWhenQuiet({
    everyMs: COMPACT_WINDOW_MS,
    quietUtilization: COMPACT_QUIET_UTILIZATION,
    onDone: ({ done, ms, heapTotalBefore, heapTotalAfter }) => {
      metrics.heapCompaction.set(ms / 1000);
      log.info(
        {
          done,
          ms: Math.round(ms),
          heapTotalMb: [heapTotalBefore, heapTotalAfter].map((b) => Math.round(b / 2 ** 20)),
        },
        'heap compacted after start',
      );
    },
  });
  closers.add('heap compaction', () => Promise.resolve(cancel()));
}

/** Starts the collector's parts, registering each one's closer (closed in reverse: service, producer, health). */
async function startCollector(
  config: CollectorConfig,
  env: Env,
  log: Logger,
  closers: Closers,
): Promise<void> {
  // The event-loop lag sampled every 500 ms, not every 10 ms: idle, those wake-ups were most of the CPU.
  const registry = createRegistry('collector', true, { eventLoopMonitoringPrecision: 500 });
  const metrics = createCollectorMetrics(registry);
  const identity = config.leaderElection.identity ?? env.POD_NAME ?? `${hostname()}-${process.pid}`;
  const client = createKubeClient(await loadKubeConfig(config.kubernetes, env));
  const publisher = createCollectorPublisher(config, log);
  warnWhenHeapShort(config, log);
  const service = createCollectorService({
    config,
    log,
    metrics,
    client,
    publisher,
    identity,
    version: VERSION,
    checkpointTimeoutMs: config.collector.resume.timeout,
    ...checkpointsOf(config, log),
  });
  await serveHealth(config, log, registry, () => service.ready(), closers);
  closers.add('publisher', () => publisher.close());
  // stops watching, flushes the buffer (its own deadline), releases the Lease
  closers.add('collector', () => service.close());
  await service.start();
  log.info({ identity, api: config.kubernetes.api, topic: config.kafka.topic }, 'collector started');
  compactWhenQuiet(log, metrics, closers);
}

/**
 * Runs the collector on a validated config until SIGTERM/SIGINT, then closes it within
 * {@link SHUTDOWN_DEADLINE_MS}; resolves with the exit code (1 when it failed).
 */
export async function serveCollector(config: CollectorConfig, env: Env): Promise<number> {
  const log = createLogger({
    name: 'collector',
    level: config.log.level,
    base: { cluster: config.cluster.id },
  });
  const { code } = await runUntilSignal({
    name: 'collector',
    log,
    deadlineMs: SHUTDOWN_DEADLINE_MS,
    start: (closers) => startCollector(config, env, log, closers),
  });
  return code;
}

/** `main.ts --config file.yaml` (a collector process of its own): loads the config, then {@link serveCollector}. */
export async function runCollector(argv: readonly string[], env: Env): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { config: { type: 'string', short: 'c' } } });
  const boot = createLogger({ name: 'collector', level: env.KH_LOG_LEVEL ?? 'info' });
  let config: CollectorConfig;
  try {
    if (!values.config) throw new ConfigError([{ path: '--config', message: 'a config file is required' }]);
    config = loadCollectorConfig(values.config, env);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [{ path: '(config)', message: String(err) }];
    boot.fatal({ problems }, 'invalid configuration');
    process.stderr.write(
      `invalid configuration:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}\n`,
    );
    return 1;
  }
  return serveCollector(config, env);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCollector(process.argv.slice(2), process.env);
}
