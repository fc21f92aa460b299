import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createKafkaAdmin, createKafkaPublisher } from '@kube-herald/bus';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import { kafkaBrokers, redisUrl, uniqueName } from '@kube-herald/testing';
import { eventRecords, robotReceiver } from './notifier-kit.js';
import { log, until, warning } from './pipeline-harness.js';
import { dropPrefix } from './redis-fixture.js';

const CHILD = fileURLToPath(new URL('./run-notifier-child.ts', import.meta.url));

interface Child {
  readonly proc: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

function startChild(args: readonly string[]): Child {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KH_LOG_LEVEL: 'info' },
  });
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  const onData = (chunk: Buffer): void => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const l of parts) if (l.startsWith('{')) lines.push(JSON.parse(l) as Record<string, unknown>);
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, lines, exited };
}

async function exitWithin(child: Child, ms: number): Promise<number | null> {
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), ms);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

function metric(text: string, name: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) n += Number(line.split(' ').pop());
  return n;
}

test('runNotifier: invalid config exits 1 listing every path: problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-run-'));
  try {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'kafka: { brokers: [] }',
        'redis: { url: "http://127.0.0.1:6379" }',
        'receivers: [{ name: oncall, type: dingtalk, webhook: "ftp://x" }]',
        'route: { receiver: oncall, groupWait: soon }',
        'http: { port: 70000 }',
      ].join('\n'),
    );
    const child = startChild(['--config', file]);
    assert.equal(await exitWithin(child, 30_000), 1);
    const text = JSON.stringify(child.lines);
    for (const path of ['kafka.brokers', 'redis.url', 'receivers.0.webhook', 'route.groupWait', 'http.port'])
      assert.ok(text.includes(path), `${path} listed in ${text}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runNotifier: /healthz /readyz /metrics over HTTP; SIGTERM exits 0 and loses nothing (a restart delivers all)', async () => {
  const standin = createDingtalkStandin({
    robots: [{ name: 'oncall', token: 'tok-run-0123456789', keywords: ['K8s'], secret: 'SECrun0123456789' }],
  });
  await standin.start();
  const dir = mkdtempSync(join(tmpdir(), 'kh-run-'));
  const topic = uniqueName('kh-run');
  const prefix = uniqueName('kht-run');
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'kh-run-admin', log });
  await admin.ensureTopics([
    { topic, partitions: 2 },
    { topic: `${topic}.dlq`, partitions: 1 },
  ]);
  await admin.close();
  const publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'kh-run-pub', log });
  await publisher.start();
  const children: Child[] = [];
  try {
    const file = join(dir, 'notifier.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        kafka: {
          brokers: kafkaBrokers(),
          topic,
          dlqTopic: `${topic}.dlq`,
          groupId: uniqueName('kh-run'),
          startFrom: 'earliest',
        },
        redis: { url: redisUrl(), prefix },
        receivers: [robotReceiver(standin, 'oncall', { secret: 'SECrun0123456789', keywords: ['K8s'] })],
        // groupWait longer than the first run: SIGTERM comes while everything is still pending in Redis
        route: {
          receiver: 'oncall',
          groupBy: ['namespace'],
          groupWait: '4s',
          groupInterval: '1s',
          repeatInterval: '1h',
        },
        http: { host: '127.0.0.1', port: 0 },
      }),
    );
    const start = async (): Promise<{ child: Child; url: string }> => {
      const child = startChild(['--config', file]);
      children.push(child);
      let url = '';
      await until(
        () => {
          const started = child.lines.find((l) => l['msg'] === 'notifier started');
          url = typeof started?.['http'] === 'string' ? started['http'] : '';
          return url !== '' || child.proc.exitCode !== null;
        },
        60_000,
        'notifier started',
      );
      assert.notEqual(url, '', JSON.stringify(child.lines));
      return { child, url };
    };
    const first = await start();
    const health = await get(`${first.url}/healthz`);
    assert.equal(health.status, 200, health.body);
    const ready = await get(`${first.url}/readyz`);
    assert.equal(ready.status, 200, ready.body);
    assert.deepEqual(JSON.parse(ready.body), { ok: true, failed: {} });
    assert.equal((await get(`${first.url}/nope`)).status, 404);

    const events = Array.from({ length: 24 }, (_, i) =>
      warning({ ns: `ns-${i % 2}`, name: `api-${i % 4}` }, i + 1),
    );
    await publisher.publish(topic, eventRecords(events));
    const metrics = async (url: string) => (await get(`${url}/metrics`)).body;
    await until(
      async () => metric(await metrics(first.url), 'kube_herald_notifier_grouped_total') === 24,
      30_000,
      'grouped',
    );
    const text = await metrics(first.url);
    assert.equal(metric(text, 'kube_herald_notifier_consumed_total'), 24);
    assert.match(text, /^kube_herald_process_cpu_seconds_total\{/m, 'default process metrics');
    first.child.proc.kill('SIGTERM');
    assert.equal(await exitWithin(first.child, 20_000), 0, JSON.stringify(first.child.lines.slice(-5)));
    assert.ok(first.child.lines.some((l) => l['msg'] === 'notifier stopping' && l['signal'] === 'SIGTERM'));
    assert.equal(standin.messages('oncall').length, 0, 'nothing was due before SIGTERM');

    const second = await start();
    await until(
      async () => metric(await metrics(second.url), 'kube_herald_notifier_events_notified_total') === 24,
      30_000,
      'the restarted notifier delivers what the first one recorded',
    );
    assert.equal(standin.messages('oncall').length, 2, 'one message per namespace group');
    assert.equal(
      metric(await metrics(second.url), 'kube_herald_notifier_grouped_total'),
      0,
      'offsets were committed',
    );
    second.child.proc.kill('SIGTERM');
    assert.equal(await exitWithin(second.child, 20_000), 0);
  } finally {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await publisher.close();
    await standin.close();
    const redis = new Redis(redisUrl());
    await dropPrefix(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  }
});
