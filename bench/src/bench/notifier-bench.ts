import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createKafkaAdmin, createKafkaPublisher } from '@kube-herald/bus';
import type { EventV1 } from '@kube-herald/events';
import type { Logger } from '@kube-herald/logging';
import { startChild } from '../child.js';
import { ROOT } from '../paths.js';
import { freePort, waitUntil } from '../ports.js';
import { benchEvent, ensureBenchTopics, publishEvents, startBenchRobots } from './notifier-load.js';

/** One notifier run: `events` records through validate → dedup → route → group in Redis. */
export interface NotifierRun {
  readonly events: number;
  /** Events per second from the first publish until the group committed the last offset. */
  readonly eventsPerSec: number;
  readonly publishedPerSec: number;
  /** Redis commands processed (INFO total_commands_processed delta) per event: an upper bound of round trips. */
  readonly redisCommandsPerEvent: number;
  /** Client calls that are not inside a Lua script (commandstats delta minus script-internal calls). */
  readonly commandStats: Readonly<Record<string, number>>;
  /** Client round trips per event: script calls (EVALSHA/EVAL) plus commands no notifier Lua script issues. */
  readonly roundTripsPerEvent: number;
  readonly cpuSecondsPer10k: number;
  readonly peakRssMb: number;
}

// Commands the notifier's Lua scripts issue (services/notifier/src/store, the rate gate, durability): in
// commandstats they are counted although they run inside one EVALSHA round trip. Read from the scripts'
// sources, so a command a script starts to use is never taken for a round trip (PEXPIREAT once was: the
// figure read ≈ 0.98 round trips per event instead of ≈ 0.03). A client could also send some of them
// directly; counting those as round trips would only over-estimate.
const LUA_SOURCES = ['store/group-scripts.ts', 'store/delivery-scripts.ts', 'rate-gate.ts', 'durability.ts'];

/** The Redis commands (lower case) that the notifier's Lua scripts call. */
export function notifierLuaCommands(): ReadonlySet<string> {
  const commands = new Set<string>();
  for (const file of LUA_SOURCES) {
    const source = readFileSync(join(ROOT, 'services/notifier/src', file), 'utf8');
    for (const m of source.matchAll(/redis\.call\(\s*'([A-Za-z]+)'/g))
      commands.add((m[1] as string).toLowerCase());
  }
  return commands;
}
const LUA_ONLY = notifierLuaCommands();

/** Event `n`: a distinct occurrence (its own Kubernetes Event uid, seen once). */
const event = (n: number): EventV1 => benchEvent(n, `ev-${n}`, 1);

async function commandStats(redis: Redis): Promise<{ total: number; calls: Record<string, number> }> {
  const stats = await redis.info('stats');
  const total = Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? 0);
  const calls: Record<string, number> = {};
  for (const m of (await redis.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+)/g))
    calls[m[1]!] = Number(m[2]);
  return { total, calls };
}

/** Measures one notifier process on the given Kafka and Redis for `events` distinct occurrences. */
export async function notifierRun(
  dir: string,
  brokers: readonly string[],
  redisUrl: string,
  events: number,
  log: Logger,
): Promise<NotifierRun> {
  const run = `${events}-${Date.now()}`;
  const topic = `kh-bench-notifier-${run}`;
  const groupId = `kh-bench-notifier-${run}`;
  const admin = createKafkaAdmin({ brokers, clientId: 'kh-bench-admin', log });
  await ensureBenchTopics(admin, topic);
  const port = await freePort();
  const plumbing = { brokers, redisUrl, topic, groupId, redisPrefix: `khbn-${run}` };
  const { dingtalk, doc } = await startBenchRobots(`bench-${run}`, plumbing, port);
  const file = join(dir, `notifier-${run}.json`);
  writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
  const child = startChild({
    name: 'notifier',
    args: [join(ROOT, 'bench/dist/src/notifier-entry.js'), '--config', file],
    compiled: true,
    logFile: join(dir, 'notifier.log'),
    readyUrl: `http://127.0.0.1:${port}/readyz`,
  });
  const redis = new Redis(redisUrl);
  const publisher = createKafkaPublisher({ brokers, clientId: 'kh-bench-publisher', log });
  try {
    await publisher.start();
    await child.ready(90_000);
    await new Promise((r) => setTimeout(r, 3000)); // group joined, positioned at the end
    const before = await commandStats(redis);
    const cpu0 = child.usage().cpuSeconds;
    const t0 = performance.now();
    await publishEvents(publisher, topic, events, event);
    const tp = performance.now();
    let cpu = cpu0;
    await waitUntil(
      async () => {
        cpu = child.usage().cpuSeconds;
        return (await admin.groupLag(groupId, topic)) === 0;
      },
      600_000,
      `${events} records committed by the notifier`,
      100,
    );
    const t1 = performance.now();
    const after = await commandStats(redis);
    const calls: Record<string, number> = {};
    for (const [k, v] of Object.entries(after.calls))
      if (v - (before.calls[k] ?? 0) > 0) calls[k] = v - (before.calls[k] ?? 0);
    delete calls['info'];
    return {
      events,
      eventsPerSec: events / ((t1 - t0) / 1000),
      publishedPerSec: events / ((tp - t0) / 1000),
      redisCommandsPerEvent: (after.total - before.total - 2) / events,
      commandStats: calls,
      roundTripsPerEvent:
        Object.entries(calls).reduce((n, [k, v]) => n + (LUA_ONLY.has(k) ? 0 : v), 0) / events,
      cpuSecondsPer10k: ((cpu - cpu0) / events) * 10_000,
      peakRssMb: child.usage().peakRssMb,
    };
  } finally {
    await child.stop();
    await publisher.close();
    await admin.close();
    redis.disconnect();
    await dingtalk.close();
  }
}

/** redis-benchmark (Debian's redis-tools) against the same Redis: SET/GET/EVALSHA-free ceiling, plain and pipelined. */
export async function redisBenchmark(port: number, requests: number): Promise<Record<string, number>> {
  const runOne = (extra: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const c = spawn(
        'redis-benchmark',
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-q',
          '-n',
          String(requests),
          '-c',
          '50',
          '-t',
          'set,get,incr,lpush,zadd',
          ...extra,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      c.once('error', reject);
      c.once('exit', () => resolve(out));
    });
  const parse = (out: string, suffix: string, into: Record<string, number>): void => {
    for (const m of out.replace(/\r/g, '\n').matchAll(/^([A-Z]+)[^:]*: ([\d.]+) requests per second/gm))
      into[`${m[1]}${suffix}`] = Number(m[2]);
  };
  const res: Record<string, number> = {};
  parse(await runOne([]), '', res);
  parse(await runOne(['-P', '16']), ' -P16', res);
  return res;
}
