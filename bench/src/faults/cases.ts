import { createKafkaPublisher } from '@kube-herald/bus';
import { between, sleep, type FaultCase, type FaultContext } from './fault-case.js';

const times = (ctx: FaultContext, short: number, long: number): number => (ctx.long ? long : short);

/** Spreads `n` actions over the load: waits a random moment within each of n equal slices. */
async function spread(
  ctx: FaultContext,
  n: number,
  sliceMs: number,
  action: (i: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    await sleep(between(ctx.random, sliceMs * 0.2, sliceMs * 0.8));
    await action(i);
  }
}

/**
 * SIGKILLs a random one of `replicas` replicas 2 (long: 20) times spread over the load; `replace` restarts
 * replica `i` after a pause of 0.2–3 s. Returns how many were killed.
 */
async function killReplicas(
  ctx: FaultContext,
  replicas: () => number,
  replace: (i: number, pauseMs: number) => Promise<void>,
): Promise<number> {
  const n = times(ctx, 2, 20);
  await spread(ctx, n, ctx.loadMs / n, async () => {
    const i = Math.floor(ctx.random() * replicas());
    await replace(i, between(ctx.random, 200, 3000));
  });
  return n;
}

/** The fault cases of RELIABILITY.md, in the order they run. */
export const FAULT_CASES: readonly FaultCase[] = [
  {
    name: 'collector-kill9',
    guarantee:
      'API → Kafka at least once: a restarted collector lists and republishes; replicas fail over by Lease',
    world: { collectorReplicas: 2 },
    load: { short: 600, long: 6000, perSecond: 30 },
    async act(ctx) {
      const slots = ctx.world.collectors().length;
      const n = await killReplicas(
        ctx,
        () => slots,
        (i, pauseMs) => ctx.world.replaceCollector(i, pauseMs),
      );
      ctx.note(`${n} collector processes killed with SIGKILL (2 replicas per cluster)`);
    },
  },
  {
    name: 'notifier-kill9',
    guarantee:
      'Kafka → notifier at least once, idempotent: offsets committed after Redis effects; occurrenceId dedup',
    world: { notifierReplicas: 2 },
    load: { short: 600, long: 6000, perSecond: 30 },
    async act(ctx) {
      const n = await killReplicas(
        ctx,
        () => ctx.world.notifiers().length,
        (i, pauseMs) => ctx.world.replaceNotifier(i, pauseMs),
      );
      ctx.note(`${n} notifier processes killed with SIGKILL (2 replicas)`);
    },
  },
  {
    name: 'kafka-restart',
    guarantee: 'Kafka outage: bounded buffer and backpressure in the collector, no silent drop',
    load: { short: 600, long: 3000, perSecond: 20 },
    async act(ctx) {
      const n = times(ctx, 1, 5);
      await spread(ctx, n, ctx.loadMs / n, () => ctx.kafka.restart());
      ctx.note(`${n} broker restarts (SIGTERM, start on the same port)`);
    },
  },
  {
    name: 'broker-loss-rf3',
    guarantee: 'acks=all on RF 3 / min ISR 2: losing one of three brokers loses no acknowledged write',
    cluster3: true,
    load: { short: 600, long: 3000, perSecond: 20 },
    async act(ctx) {
      await sleep(between(ctx.random, 5000, 12_000));
      const n = 1 + Math.floor(ctx.random() * 3);
      await ctx.kafka.kill(n);
      ctx.note(`broker ${n} of 3 killed with SIGKILL, left down until the end`);
    },
  },
  {
    name: 'redis-restart',
    guarantee: 'Redis with AOF: groups, dedup marks and BullMQ jobs survive a restart',
    load: { short: 600, long: 3000, perSecond: 20 },
    async act(ctx) {
      const n = times(ctx, 1, 5);
      await spread(ctx, n, ctx.loadMs / n, () => ctx.redis.restart());
      ctx.note(`${n} Redis restarts (SHUTDOWN with AOF, start on the same port)`);
    },
  },
  {
    name: 'redis-kill9',
    guarantee:
      'Redis process killed (SIGKILL) and restarted: the AOF keeps every acknowledged write; nothing lost or sent twice',
    load: { short: 1500, long: 6000, perSecond: 50 },
    async act(ctx) {
      const n = 5;
      await spread(ctx, n, ctx.loadMs / n, () => ctx.redis.restart({ kill9: true }));
      ctx.note(`${n} Redis SIGKILLs under load, each restarted on the same port (AOF, appendfsync everysec)`);
    },
  },
  {
    name: 'redis-failover',
    guarantee:
      'Redis primary killed (SIGKILL) and its replica promoted: offsets committed only after WAIT 1, nothing lost',
    redisReplica: true,
    world: { redisDurability: 'replica' },
    load: { short: 1500, long: 6000, perSecond: 50 },
    async act(ctx) {
      const n = 5;
      const redis = ctx.redis;
      if (!redis.failover) throw new Error('redis-failover needs a replica');
      await spread(ctx, n, ctx.loadMs / n, () => redis.failover?.() ?? Promise.resolve());
      ctx.note(
        `${n} primary SIGKILLs under load, each followed by REPLICAOF NO ONE on the replica and the endpoint moved to it (the old primary rejoins as a replica)`,
      );
    },
  },
  {
    name: 'dingtalk-5xx-timeouts-throttle',
    guarantee: 'Delivery: transient errors retry with backoff, throttle blocks the robot; nothing dropped',
    world: { receiverTimeout: '2s' },
    load: { short: 600, long: 12_000, perSecond: 20 },
    async act(ctx) {
      const d = ctx.world.dingtalk;
      d.faults.inject({ mode: 'http5xx', probability: 0.15 });
      d.faults.inject({ mode: 'delay', delayMs: 3000, probability: 0.15 });
      await sleep(ctx.long ? 600_000 : 30_000);
      d.clearFaults();
      d.faults.inject({ mode: 'throttle', times: 3 });
      ctx.note(
        `${ctx.long ? '10 min' : '30 s'} of 15% HTTP 502 + 15% delays past the 2 s client timeout, then 3 throttle answers`,
      );
    },
    duplicatesUnavoidable:
      'a request that timed out after the stand-in delivered it is retried (DingTalk has no idempotency key)',
  },
  {
    name: 'malformed-records',
    guarantee: 'Bad input never crashes a service: malformed records go to the DLQ with a reason',
    load: { short: 400, long: 2000, perSecond: 20 },
    async act(ctx) {
      const n = times(ctx, 1000, 10_000);
      const pub = createKafkaPublisher({
        brokers: ctx.world.plumbing.brokers,
        clientId: 'kh-bench-garbage',
        log: ctx.log,
      });
      await pub.start();
      const kinds = [
        '{not json',
        '{"schema":"kube-herald.event/v1","occurrenceId":42}',
        '',
        '[]',
        '\u0000\u00ff binary',
      ];
      for (let i = 0; i < n; i += 100) {
        const batch = Array.from({ length: Math.min(100, n - i) }, (_, j) => ({
          key: `garbage-${i + j}`,
          value: kinds[(i + j) % kinds.length]!,
        }));
        await pub.publish(ctx.world.plumbing.topic, batch);
        await sleep(50);
      }
      await pub.close();
      ctx.note(`${n} malformed records published into the events topic`);
    },
    check(t, ctx) {
      const n = times(ctx, 1000, 10_000);
      return t.dlqRecords === n ? undefined : `DLQ holds ${t.dlqRecords} records, ${n} malformed injected`;
    },
  },
  {
    name: 'kube-api-stall-410-down',
    guarantee:
      'API → Kafka: a silent watch restarts, 410 Gone relists without flooding, an API outage is waited out',
    world: { stallTimeout: '5s' },
    load: { short: 900, long: 4000, perSecond: 20 },
    async act(ctx) {
      const kubes = [...ctx.world.kubes.values()];
      await sleep(5000);
      kubes.forEach((k) => k.stallWatches(true));
      await sleep(12_000);
      kubes.forEach((k) => k.stallWatches(false));
      ctx.note('watches stalled 12 s (stallTimeout 5 s)');
      for (let i = 0; i < 10; i++) {
        kubes.forEach((k) => {
          k.compact();
          k.dropWatches();
        });
        await sleep(1000);
      }
      ctx.note('410 storm: history compacted and watches dropped every second for 10 s');
      kubes.forEach((k) => k.down(true, '503'));
      await sleep(ctx.long ? 120_000 : 15_000);
      kubes.forEach((k) => k.down(false));
      ctx.note(`API servers down (503) for ${ctx.long ? '2 min' : '15 s'}`);
    },
  },
];
