// The collector's receive path alone, without Kafka: a forked API stand-in (LIST + one watch sending each
// event as its own HTTP chunk, at --rate per second) feeds the real kube client → reflector → collector →
// normalize → publish queue, whose publisher acknowledges at once. Prints this process's CPU seconds per
// 10k events (the stand-in's own CPU is not counted):
//   node --import tsx services/collector/test/receive-bench.ts [--mode full|norm|source|floor] [--events 10000] [--rate 500]
// `source` stops after the reflector (receive + JSON.parse), `norm` adds normalize + encode, `full` is the
// collector with its publish queue and metrics. `floor` is none of the collector's code: node:http reads the
// same watch stream, splits lines and JSON.parses each — what any Node process pays to receive at this rate. The events are libs/events/test/real-events/core-v1 (fresh uids and
// timestamps, so none is skipped as old or duplicate).
import { fork } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type ServerResponse } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { encodeEvent, normalize, partitionKey } from '@kube-herald/events';
import { createLogger } from '@kube-herald/logging';
import { createRegistry } from '@kube-herald/observability';
import {
  createCollector,
  createCollectorMetrics,
  createKubeClient,
  createKubeEventSource,
  loadKubeConfig,
  type EventPublisher,
} from '../src/index.js';
import { testConfig } from './helpers.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'full' },
    events: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '500' },
  },
});
const N = Number(values.events);
const RATE = Number(values.rate);
const EVENTS_DIR = new URL('../../../libs/events/test/real-events/core-v1/', import.meta.url);
const out = (s: string): boolean => process.stdout.write(s);

type Json = Record<string, unknown> & { metadata: Record<string, unknown> };

function freshLine(base: Json, i: number): string {
  const ev = structuredClone(base);
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const micro = ts.replace('Z', '.000000Z');
  ev.metadata.uid = `bench-uid-${i}`;
  ev.metadata.resourceVersion = String(i + 2);
  ev.lastTimestamp = ts;
  if (ev.firstTimestamp) ev.firstTimestamp = ts;
  if (ev.eventTime) ev.eventTime = micro;
  const series = ev.series as { lastObservedTime?: string } | undefined;
  if (series?.lastObservedTime) series.lastObservedTime = micro;
  return `${JSON.stringify({ type: 'ADDED', object: ev })}\n`;
}

function streamEvents(res: ServerResponse, base: readonly Json[]): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  let i = 0;
  const perTick = Math.max(1, Math.round(RATE / 1000));
  const timer = setInterval(
    () => {
      for (let k = 0; k < perTick && i < N; k++, i++) res.write(freshLine(base[i % base.length] as Json, i));
      if (i >= N) clearInterval(timer);
    },
    Math.max(1, Math.round(1000 / RATE)),
  );
}

function serveStandin(): void {
  const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.json'));
  const base = files.map((f) => JSON.parse(readFileSync(new URL(f, EVENTS_DIR), 'utf8')) as Json);
  const server = createServer((req, res) => {
    if (req.url?.includes('watch=true')) return streamEvents(res, base);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }),
    );
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as { port: number }).port));
}

/** Counts what reaches the end of the measured path; the CPU clock starts at the first. */
function createMeter(): { tick(n: number): void; finished: Promise<number> } {
  let seen = 0;
  let cpu0 = process.cpuUsage();
  let done: (cpuS: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (done = resolve));
  return {
    tick(n) {
      if (seen === 0) cpu0 = process.cpuUsage();
      seen += n;
      if (seen < N) return;
      const c = process.cpuUsage(cpu0);
      done((c.user + c.system) / 1e6);
    },
    finished,
  };
}

/** The floor: node:http + line split + JSON.parse of the same stream, nothing else. */
function measureFloor(port: number): Promise<number> {
  const meter = createMeter();
  get({ host: '127.0.0.1', port, path: '/api/v1/events?watch=true' }, (res) => {
    let rest = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      rest += chunk;
      for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
        JSON.parse(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
        meter.tick(1);
      }
    });
  });
  return meter.finished;
}

async function measure(port: number): Promise<number> {
  if (values.mode === 'floor') return measureFloor(port);
  const kubeconfig = `/tmp/kh-receive-bench-${process.pid}.yaml`;
  const cluster = `{name: c, cluster: {server: "http://127.0.0.1:${port}"}}`;
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [${cluster}]\nusers: [{name: u, user: {token: bench}}]\n` +
      `contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
  );
  const config = testConfig({ kubernetes: { stallTimeout: '60s', watchTimeoutSeconds: 300 } });
  const log = createLogger({ name: 'receive-bench', level: 'silent' });
  const metrics = createCollectorMetrics(createRegistry('receive-bench', false));
  const client = createKubeClient(await loadKubeConfig({ kubeconfig }));
  const source = createKubeEventSource({
    ...{ client, api: 'core/v1', namespaces: [], pageSize: 500, log, metrics },
    ...{ watchTimeoutSeconds: 300, stallTimeoutMs: 60_000 },
  });
  const meter = createMeter();
  if (values.mode === 'full') {
    const publisher: EventPublisher = {
      publish: (_topic, records) => Promise.resolve(meter.tick(records.length)),
    };
    await createCollector({
      config,
      log,
      metrics,
      source,
      publisher,
      instance: 'bench-0',
      version: 'bench',
      checkpoints: true, // as the service runs it: records carry the checkpoint header
    }).start();
  } else {
    const ctx = {
      cluster: { id: 'bench-1', name: 'Bench' },
      collector: { instance: 'bench-0', version: 'b' },
    };
    await source.start((ev) => {
      if (ev.type === 'PROGRESS') return;
      if (values.mode === 'norm') {
        const res = normalize(ev.object, { ...ctx, observedAt: new Date(ev.observedAt) });
        if (res.ok) void [partitionKey(res.event), encodeEvent(res.event)];
      }
      meter.tick(1);
    });
  }
  return meter.finished;
}

if (positionals[0] === 'standin') serveStandin();
else {
  const standin = fork(new URL(import.meta.url).pathname, ['standin', ...process.argv.slice(2)], {
    execArgv: process.execArgv,
  });
  const port = await new Promise<number>((resolve) => standin.once('message', (m) => resolve(m as number)));
  const cpuS = await measure(port);
  const perTenK = ((cpuS * 10_000) / N).toFixed(3);
  out(
    `${JSON.stringify({ mode: values.mode, events: N, rate: RATE, cpuSPer10k: Number(perTenK), load1: loadavg()[0] })}\n`,
  );
  standin.kill();
  process.exit(0);
}
