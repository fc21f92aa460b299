import { z } from 'zod';
import { kafkaSecurityShape } from '@kube-herald/bus';
import { readFileSync } from 'node:fs';
import { ConfigError, durationMs, parseConfig, parseYaml } from '@kube-herald/config';

const positiveInt = z.number().int().positive();

const clusterSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"'),
  name: z.string().optional(),
});

const kubernetesSchema = z.strictObject({
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  inCluster: z.boolean().default(false),
  api: z.enum(['core/v1', 'events.k8s.io/v1']).default('core/v1'),
  namespaces: z.array(z.string().min(1)).default([]),
  watchTimeoutSeconds: positiveInt.max(3600).default(300),
  stallTimeout: durationMs.default(90_000),
  // A quiet Event watch (real API servers send no bookmarks there) gets a heartbeat Event written into it
  // after this much silence (at most stallTimeout / 2; 0 = never): it proves the connection alive and keeps
  // the resourceVersion younger than the API server's compaction (watch-heartbeat.ts).
  heartbeatInterval: durationMs.default(60_000),
  pageSize: positiveInt.max(10_000).default(500),
});

const kafkaSchema = z.strictObject({
  topic: z.string().min(1).default('kube-events.v1'),
  clientId: z.string().min(1).default('kube-herald-collector'),
  // Retries inside the producer before a publish fails; the collector then retries on its own, forever.
  retries: z.number().int().min(0).max(20).default(3),
  // Batch compression: zstd costs a tenth of gzip's CPU per event (BENCHMARKS.md); gzip for old consumers.
  compression: z.enum(['zstd', 'gzip', 'none']).default('zstd'),
  // brokers, TLS and SASL: the one schema of every component (libs/bus kafkaSecurityShape)
  ...kafkaSecurityShape,
});

const enrichmentSchema = z.strictObject({
  enabled: z.boolean().default(true),
  labelKeys: z.array(z.string().min(1)).default([]),
  cacheSize: positiveInt.default(10_000),
  ttl: durationMs.default(300_000),
  apiRatePerSecond: z.number().positive().default(20),
  budget: durationMs.default(100),
  // Pods, ReplicaSets and Jobs kept by a metadata list+watch (owner-cache.ts): no GET per event for them.
  watchOwners: z.boolean().default(true),
  maxWatchedObjects: positiveInt.default(30_000),
});

const collectorSchema = z.strictObject({
  maxEventAge: durationMs.default(3_600_000),
  bufferSize: positiveInt.default(10_000),
  // Bytes of encoded events in the buffer (~5,000 events of ~800 bytes): with `bufferSize`, what bounds its
  // memory whatever the events' size. A full buffer pauses the watch (nothing is lost), and ~0.2 s of
  // events at 20,000/s covers Kafka's acknowledgements with room to spare: 8 MiB only cost RSS.
  bufferBytes: positiveInt.default(4 * 1024 * 1024),
  // How long the first event of a produce request may wait for others (publish-queue.ts), at most 1 s.
  // Each request is a socket write and a broker round trip. At a steady 500 events/s on a quiet machine,
  // 2 ms saved too little CPU to pay for its latency (BENCHMARKS.md): 0 sends each event as soon as
  // nothing is in flight. A full batch never waits.
  publishLinger: durationMs.pipe(z.number().max(1000)).default(0),
  // Allocated at start as typed arrays of ~40 bytes per id (id-table.ts): 10 million ids are ~400 MB.
  seenSize: positiveInt.max(10_000_000).default(200_000),
  enrichment: enrichmentSchema.prefault({}),
  // Each leadership term (a restart, a new leader) resumes where the last one stopped: the positions and
  // occurrenceIds read back from the tail of the topic (kafka-checkpoint.ts) instead of a full re-list.
  resume: z
    .strictObject({
      enabled: z.boolean().default(true),
      tailPerPartition: positiveInt.max(100_000).default(2000),
      timeout: durationMs.default(20_000),
    })
    .prefault({}),
});

const leaderElectionSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    namespace: z.string().min(1).default('kube-herald'),
    leaseName: z.string().min(1).default('kube-herald-collector'),
    leaseDuration: durationMs.default(15_000),
    renewDeadline: durationMs.default(10_000),
    retryPeriod: durationMs.default(2_000),
    identity: z.string().min(1).optional(),
  })
  .refine((l) => l.renewDeadline < l.leaseDuration, {
    message: 'renewDeadline must be shorter than leaseDuration',
    path: ['renewDeadline'],
  })
  .refine((l) => l.retryPeriod < l.renewDeadline, {
    message: 'retryPeriod must be shorter than renewDeadline',
    path: ['retryPeriod'],
  });

/** The collector's configuration (YAML file, `${ENV}` expanded, then {@link applyEnvOverrides}). */
export const collectorConfigSchema = z.strictObject({
  cluster: clusterSchema,
  kubernetes: kubernetesSchema.prefault({}),
  kafka: kafkaSchema,
  collector: collectorSchema.prefault({}),
  leaderElection: leaderElectionSchema.prefault({}),
  http: z
    .strictObject({
      host: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(0).max(65_535).default(8080),
    })
    .prefault({}),
  log: z
    .strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info') })
    .prefault({}),
});

/** Validated, frozen collector configuration (durations in milliseconds). */
export type CollectorConfig = z.output<typeof collectorConfigSchema>;

type Doc = Record<string, unknown>;

function section(doc: Doc, key: string): Doc {
  const v = doc[key];
  const out: Doc = typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...(v as Doc) } : {};
  doc[key] = out;
  return out;
}

/**
 * Applies the environment overrides to a parsed (not yet validated) document:
 * `KH_CLUSTER_ID`, `KH_CLUSTER_NAME`, `KH_KAFKA_BROKERS` (comma separated), `KH_KAFKA_TOPIC`,
 * `KH_KUBECONFIG`, `KH_LOG_LEVEL`, `KH_HTTP_PORT`, `KH_LEADER_IDENTITY` (defaults to `POD_NAME`).
 */
export function applyEnvOverrides(input: unknown, env: Readonly<Record<string, string | undefined>>): Doc {
  const doc: Doc = typeof input === 'object' && input !== null ? { ...(input as Doc) } : {};
  const set = (sec: string, key: string, value: unknown): void => {
    if (value !== undefined && value !== '') section(doc, sec)[key] = value;
  };
  set('cluster', 'id', env.KH_CLUSTER_ID);
  set('cluster', 'name', env.KH_CLUSTER_NAME);
  const brokers = env.KH_KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers?.length) set('kafka', 'brokers', brokers);
  set('kafka', 'topic', env.KH_KAFKA_TOPIC);
  set('kubernetes', 'kubeconfig', env.KH_KUBECONFIG);
  set('log', 'level', env.KH_LOG_LEVEL);
  const port = env.KH_HTTP_PORT;
  if (port) set('http', 'port', /^\d+$/.test(port) ? Number(port) : port);
  set('leaderElection', 'identity', env.KH_LEADER_IDENTITY ?? env.POD_NAME);
  return doc;
}

/** Reads, expands (`${ENV}`), overrides (KH_*) and validates the config file; throws ConfigError. */
export function loadCollectorConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): CollectorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([{ path: file, message: `cannot read config file (${code})` }]);
  }
  return parseConfig(collectorConfigSchema, applyEnvOverrides(parseYaml(text, file), env), env);
}
