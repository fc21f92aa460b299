import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createGroupStore, groupId } from '@kube-herald/notifier';
import { BENCH_RUN, ROOT } from '../paths.js';
import { startPrivateRedis, type PrivateRedisOptions } from '../private-redis.js';

// `node --conditions=source --import tsx bench/src/bench/redis-state-bench.ts [durability|memory|all]`
// (BENCHMARKS.md "Notifier Redis state"): (1) the cost of each durability step per event — the record
// script in 500-event batches from 3 concurrent partitions, each batch followed by WAIT / WAITAOF — on
// private Redis (and Valkey, KH_VALKEY_SERVER, for WAITAOF); (2) Redis memory per dedup field, per
// incident and over time at an accelerated sustained rate (short dedup TTL, 30 % repeats).
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    events: { type: 'string', default: '30000' },
    rate: { type: 'string', default: '1000' },
    ttl: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '90' },
    incidents: { type: 'string', default: '1000' },
  },
});
const what = positionals[0] ?? 'all';
type RecordItem = Parameters<ReturnType<typeof createGroupStore>['record']>[0][number];
type GroupRef = RecordItem['groups'][number];
const dir = join(BENCH_RUN, `redis-state-${process.pid}-${Date.now()}`);
const say = (s: string): boolean => process.stderr.write(`[redis-state] ${s}\n`);
const out = (s: string): boolean => process.stdout.write(s);
const report: Record<string, unknown> = { at: new Date().toISOString(), args: process.argv.slice(2) };

const group = (i: number): GroupRef => ({
  gid: groupId('oncall', `g${i}`),
  receiver: 'oncall',
  groupKey: `g${i}`,
  labels: { cluster: 'prod', namespace: `ns-${i}`, reason: 'BackOff' },
  route: 'r1',
  groupWait: 10_000,
  groupInterval: 60_000,
  repeatInterval: 4 * 3_600_000,
});
const SUMMARY = JSON.stringify({
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container api in pod api-7d9f8b6c5-x2x9z_payments(5c1e…)',
  cluster: { id: 'prod-hz-1', name: 'prod' },
  namespace: 'payments',
  object: { kind: 'Pod', name: 'api-7d9f8b6c5-x2x9z' },
  owner: { kind: 'Deployment', name: 'api' },
});

/** Event `n` of a stream with `repeats` share of repeats over `live` incidents in `groups` groups. */
function streamItem(n: number, live: number, repeats: number, groups: number, uidBase: string): RecordItem {
  const repeat = (n * 7919) % 100 < repeats * 100;
  const inc = n % live;
  // a repeat is count+1 of the incident's current event uid; a new event gets a new uid
  const uid = repeat ? `${uidBase}-${inc}` : `${uidBase}-${inc}-${n}`;
  return {
    occurrenceId: `${uid}#${n}`,
    dedupKey: `prod-hz-1/${uid}`,
    incidentKey: `prod-hz-1/ns/Pod/p-${inc}/BackOff`,
    count: n + 1,
    firstSeenMs: Date.now(),
    lastSeenMs: Date.now(),
    observedAtMs: Date.now(),
    summary: SUMMARY,
    groups: [group(inc % groups)],
  };
}

async function info(redis: Redis, field: string): Promise<number> {
  const text = await redis.info('memory');
  return Number(new RegExp(`${field}:(\\d+)`).exec(text)?.[1]);
}

interface Mode {
  readonly name: string;
  readonly redis: PrivateRedisOptions;
  readonly wait?: readonly (string | number)[];
}

async function durabilityRun(m: Mode, events: number): Promise<Record<string, number | string>> {
  const r = await startPrivateRedis(join(dir, m.name), m.redis);
  const redis = new Redis(r.url);
  try {
    const store = createGroupStore({ redis, prefix: 'kb:n', dedupTtlMs: 3_600_000 });
    const batches = Math.ceil(events / 500);
    let waitMs = 0;
    const partition = async (p: number): Promise<void> => {
      for (let b = p; b < batches; b += 3) {
        const items = Array.from({ length: 500 }, (_, i) => streamItem(b * 500 + i, 3000, 0.3, 300, 'u'));
        await store.record(items, Date.now());
        if (m.wait) {
          const t = performance.now();
          const reply = await redis.call(String(m.wait[0]), ...m.wait.slice(1));
          waitMs += performance.now() - t;
          const ok = Array.isArray(reply) ? Number(reply[0]) >= 1 : Number(reply) >= 1;
          if (!ok) throw new Error(`${m.name}: ${JSON.stringify(reply)}`);
        }
      }
    };
    const t0 = performance.now();
    await Promise.all([0, 1, 2].map(partition));
    const s = (performance.now() - t0) / 1000;
    return {
      mode: m.name,
      eventsPerSec: Math.round(events / s),
      usPerEvent: Math.round((s * 1e6) / events),
      waitUsPerEvent: Math.round((waitMs * 1000) / events),
    };
  } finally {
    redis.disconnect();
    await r.close();
  }
}

async function durability(): Promise<void> {
  const events = Number(values.events);
  const valkey = process.env['KH_VALKEY_SERVER'];
  const modes: Mode[] = [
    { name: 'everysec, no wait (today)', redis: {} },
    { name: 'appendfsync always', redis: { appendfsync: 'always' } },
    { name: 'WAIT 1 (replica)', redis: { replica: true }, wait: ['WAIT', 1, 5000] },
  ];
  if (valkey) {
    modes.push(
      { name: 'valkey everysec, no wait', redis: { binary: valkey } },
      { name: 'valkey WAITAOF 1 0', redis: { binary: valkey }, wait: ['WAITAOF', 1, 0, 5000] },
      { name: 'valkey WAIT 1 (replica)', redis: { binary: valkey, replica: true }, wait: ['WAIT', 1, 5000] },
      {
        name: 'valkey WAITAOF 1 1 (replica)',
        redis: { binary: valkey, replica: true },
        wait: ['WAITAOF', 1, 1, 5000],
      },
    );
  } else say('KH_VALKEY_SERVER unset: WAITAOF modes skipped (Debian redis-server 7.0 has no WAITAOF)');
  const rows: Record<string, number | string>[] = [];
  for (const m of modes) {
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push(await durabilityRun(m, events));
    runs.sort((a, b) => Number(a['eventsPerSec']) - Number(b['eventsPerSec']));
    const row = { ...runs[1]!, range: runs.map((x) => x['eventsPerSec']).join('–') };
    say(JSON.stringify(row));
    rows.push(row);
  }
  report['durability'] = rows;
  out(
    `\n| durability step | events/s (median of 3) | range | µs per event | of which the wait |\n|---|---|---|---|---|\n`,
  );
  for (const r of rows) {
    out(
      `| ${r['mode']} | ${r['eventsPerSec']} | ${r['range']} | ${r['usPerEvent']} | ${r['waitUsPerEvent']} |\n`,
    );
  }
}

async function memory(): Promise<void> {
  const r = await startPrivateRedis(join(dir, 'memory'));
  const redis = new Redis(r.url);
  try {
    const ttl = Number(values.ttl);
    const rate = Number(values.rate);
    const live = Number(values.incidents);
    const store = createGroupStore({ redis, prefix: 'km:n', dedupTtlMs: ttl });
    const base = await info(redis, 'used_memory');
    const samples: { s: number; usedMemory: number; keys: number }[] = [];
    const t0 = Date.now();
    let n = 0;
    while (Date.now() - t0 < Number(values.seconds) * 1000) {
      const due = Math.floor(((Date.now() - t0) / 1000) * rate);
      const items: RecordItem[] = [];
      for (; n < due; n += 1) items.push(streamItem(n, live, 0.3, 100, 'm'));
      if (items.length > 0) await store.record(items, Date.now());
      const s = Math.round((Date.now() - t0) / 1000);
      if (samples.length === 0 || s >= samples[samples.length - 1]!.s + 5) {
        samples.push({
          s,
          usedMemory: (await info(redis, 'used_memory')) - base,
          keys: await redis.dbsize(),
        });
        say(JSON.stringify(samples[samples.length - 1]));
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    // what one dedup field and one incident cost, from the steady state
    const fields = await countFields(redis, 'km:n:d:*');
    const incidents = await countFields(redis, 'km:n:gi:*');
    const last = samples[samples.length - 1]!;
    report['memory'] = { ttl, rate, live, samples, fields, incidents };
    out(`\n| t (s) | used_memory − empty (MB) | keys |\n|---|---|---|\n`);
    for (const x of samples) out(`| ${x.s} | ${(x.usedMemory / 1e6).toFixed(2)} | ${x.keys} |\n`);
    out(`\nsteady state: ${fields} dedup fields, ${incidents} incidents; ${last.usedMemory} bytes\n`);
  } finally {
    redis.disconnect();
    await r.close();
  }
}

async function countFields(redis: Redis, pattern: string): Promise<number> {
  let total = 0;
  for (const k of await redis.keys(pattern)) total += await redis.hlen(k);
  return total;
}

/** Bytes per dedup field (uid × receiver) and per incident, from two fills of an empty Redis. */
async function sizes(): Promise<void> {
  const r = await startPrivateRedis(join(dir, 'sizes'));
  const redis = new Redis(r.url);
  try {
    const store = createGroupStore({ redis, prefix: 'ks:n', dedupTtlMs: 3_600_000 });
    const fill = async (n: number, item: (i: number) => RecordItem): Promise<number> => {
      const before = await info(redis, 'used_memory');
      for (let i = 0; i < n; i += 5000) {
        await store.record(
          Array.from({ length: Math.min(5000, n - i) }, (_, j) => item(i + j)),
          Date.now(),
        );
      }
      return (await info(redis, 'used_memory')) - before;
    };
    const g = group(0);
    // distinct event uids, one incident: what dedup costs per (uid, receiver)
    const fields = 500_000;
    const fieldBytes =
      (await fill(fields, (i) => ({ ...streamItem(i, 1, 0, 1, 'f'), groups: [g] }))) / fields;
    // distinct incidents in 100 groups (each event a new uid too): what an incident costs beyond its field
    const incidents = 50_000;
    const incBytes =
      (await fill(incidents, (i) => ({ ...streamItem(i, incidents, 0, 100, 'i') }))) / incidents - fieldBytes;
    report['sizes'] = { fieldBytes, incBytes };
    out(
      `\nbytes per dedup field (uid × receiver): ${fieldBytes.toFixed(1)}; per incident (beyond its field): ${incBytes.toFixed(1)}\n`,
    );
  } finally {
    redis.disconnect();
    await r.close();
  }
}

mkdirSync(dir, { recursive: true });
if (what === 'sizes' || what === 'all') await sizes();
if (what === 'durability' || what === 'all') await durability();
if (what === 'memory' || what === 'all') await memory();
mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
writeFileSync(
  join(ROOT, 'artifacts', `bench-redis-state-${what}.json`),
  `${JSON.stringify(report, null, 2)}\n`,
);
