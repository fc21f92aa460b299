import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '@kube-herald/config';
import { decodeEvent, type EventV1 } from '@kube-herald/events';
import { createLogger, type Logger } from '@kube-herald/logging';
import { createKubeStandin, type KubeStandin, type KubeStandinOptions } from '@kube-herald/kube-standin';
import { createRegistry, type Registry } from '@kube-herald/observability';
import {
  collectorConfigSchema,
  createCollectorMetrics,
  createKubeClient,
  createPublishQueue,
  loadKubeConfig,
  type CollectorConfig,
  type CollectorMetrics,
  type EventPublisher,
  type KubeClient,
  type OutboundRecord,
  type PublishQueue,
  type PublishQueueOptions,
} from '../src/index.js';

export const quietLog: Logger = createLogger({
  name: 'collector-test',
  level: process.env.KH_TEST_LOG ?? 'silent',
});

/** A validated config for tests; `doc` sections are merged over the defaults. */
export function testConfig(doc: Record<string, unknown> = {}): CollectorConfig {
  const base: Record<string, unknown> = {
    cluster: { id: 'test-1', name: 'Test' },
    kafka: { brokers: ['127.0.0.1:9'] },
    kubernetes: { stallTimeout: '5s', watchTimeoutSeconds: 60 },
    collector: { enrichment: { enabled: false } },
  };
  for (const [k, v] of Object.entries(doc)) {
    const b = base[k];
    base[k] = typeof b === 'object' && b !== null && typeof v === 'object' ? { ...b, ...v } : v;
  }
  return parseConfig(collectorConfigSchema, base);
}

/** A stand-in API server with a client for it. */
export async function startStandin(
  options: KubeStandinOptions = {},
): Promise<{ standin: KubeStandin; client: KubeClient; kubeconfig: string }> {
  const standin = createKubeStandin(options);
  await standin.start(0);
  const kubeconfig = await standin.kubeconfigPath();
  const client = createKubeClient(await loadKubeConfig({ kubeconfig }));
  return { standin, client, kubeconfig };
}

/** Records what was "published"; `failing = true` makes publishes reject like an unreachable Kafka. */
export interface RecordingPublisher extends EventPublisher {
  readonly records: OutboundRecord[];
  failing: boolean;
  events(): EventV1[];
}

export function recordingPublisher(): RecordingPublisher {
  const p: RecordingPublisher = {
    records: [],
    failing: false,
    async publish(_topic, records) {
      await sleep(1);
      if (p.failing) throw Object.assign(new Error('broker down'), { code: 'broker_down' });
      p.records.push(...records);
    },
    events: () =>
      p.records.map((r) => {
        const d = decodeEvent(r.value);
        if (!d.ok) throw new Error(`bad record: ${d.detail}`);
        return d.event;
      }),
  };
  return p;
}

export function newMetrics(): { registry: Registry; metrics: CollectorMetrics } {
  const registry = createRegistry('collector-test', false);
  return { registry, metrics: createCollectorMetrics(registry) };
}

/** Value of a counter/gauge for a label set (0 when absent). */
export async function metricValue(
  metric: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get();
  const match = values.filter((v) =>
    Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val),
  );
  return match.reduce((s, v) => s + v.value, 0);
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000, // generous: CI shares 2 cores with Kafka
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** occurrenceId → how many times it was published. */
export function countById(events: readonly EventV1[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) m.set(e.occurrenceId, (m.get(e.occurrenceId) ?? 0) + 1);
  return m;
}

/** A logger that keeps every line (parsed) for assertions about warnings. */
export function recordingLog(level = 'info'): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    name: 'collector-test',
    level,
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  });
  return { log, lines };
}

/** Log lines at warn (40) or above. */
export const warnings = (lines: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> =>
  lines.filter((l) => typeof l.level === 'number' && l.level >= 40);

/** A publish queue of 100 records to topic `t` with a quiet log and its own metrics; `o` overrides. */
export function testQueue(publisher: EventPublisher, o: Partial<PublishQueueOptions> = {}): PublishQueue {
  return createPublishQueue({
    publisher,
    topic: 't',
    capacity: 100,
    log: quietLog,
    metrics: newMetrics().metrics,
    onFull: () => undefined,
    onDrain: () => undefined,
    ...o,
  });
}
