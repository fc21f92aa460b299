import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@kube-herald/logging';
import { createLoad } from '../load.js';
import { BENCH_RUN } from '../paths.js';
import { startPrivateKafka, type PrivateKafka } from '../private-kafka.js';
import { startPrivateRedis, type PrivateRedis } from '../private-redis.js';
import { createWorld, type WorldOptions } from '../world.js';
import type { FaultCase, FaultContext, FaultResult } from './fault-case.js';

/** Options of {@link createFaultRunner}. */
export interface FaultRunnerOptions {
  readonly long: boolean;
  readonly log: Logger;
  /** Seed-free randomness is fine: every figure is reported, not compared to a fixed expectation. */
  readonly random?: () => number;
  /** Longest wait for the pipeline to account every event after the load and the fault. */
  readonly drainMs?: number;
}

/** Runs fault cases against a private Kafka and Redis (never the shared ones of scripts/services.sh). */
export interface FaultRunner {
  run(c: FaultCase): Promise<FaultResult>;
  close(): Promise<void>;
}

const BASE: Omit<WorldOptions, 'dir' | 'log' | 'brokers' | 'redisUrl'> = {
  clusters: 2,
  robots: 3,
  collectorReplicas: 1,
  notifierReplicas: 1,
  // repeatInterval is short on purpose: repeats of an incident already notified wait for it (Alertmanager
  // semantics), and every occurrence must end up in a message within the run to be accounted.
  route: { groupWait: '1s', groupInterval: '2s', repeatInterval: '5s' },
};

/** Creates a runner; the private single broker and Redis start on first use and are shared by the cases. */
export function createFaultRunner(o: FaultRunnerOptions): FaultRunner {
  const random = o.random ?? Math.random;
  const root = join(BENCH_RUN, `faults-${process.pid}-${Date.now()}`);
  let kafka: PrivateKafka | undefined;
  let redis: PrivateRedis | undefined;
  let n = 0;
  return {
    async run(c) {
      n += 1;
      const dir = join(root, `${n}-${c.name}`);
      mkdirSync(dir, { recursive: true });
      let caseRedis: PrivateRedis;
      if (c.redisReplica) caseRedis = await startPrivateRedis(join(dir, 'redis'), { replica: true });
      else caseRedis = redis ??= await startPrivateRedis(join(root, 'redis'));
      let caseKafka: PrivateKafka;
      if (c.cluster3) caseKafka = await startPrivateKafka(join(dir, 'cluster'), 3);
      else caseKafka = kafka ??= await startPrivateKafka(join(root, 'kafka'), 1);
      const world = createWorld({
        ...BASE,
        ...c.world,
        dir,
        log: o.log,
        brokers: caseKafka.brokers,
        redisUrl: caseRedis.url,
        ...(c.cluster3 ? { replicationFactor: 3 } : {}),
      });
      const notes: string[] = [];
      const started = Date.now();
      try {
        await world.start();
        const load = createLoad({
          kubes: world.kubes,
          objects: 200,
          namespaces: c.world?.robots ?? BASE.robots,
          random,
        });
        const total = o.long ? c.load.long : c.load.short;
        const loadDone = load.run(total, c.load.perSecond);
        const ctx: FaultContext = {
          world,
          kafka: caseKafka,
          redis: caseRedis,
          load,
          long: o.long,
          loadMs: (total / c.load.perSecond) * 1000,
          log: o.log,
          random,
          loadDone,
          note: (l) => notes.push(l),
        };
        await Promise.all([c.act(ctx), loadDone]);
        const tally = await world.drain(o.drainMs ?? 180_000);
        const problems: string[] = [];
        if (tally.lostBeforeKafka > 0)
          problems.push(`${tally.lostBeforeKafka} occurrences never reached Kafka`);
        if (tally.lost > 0) problems.push(`${tally.lost} occurrences not accounted in any message`);
        if (tally.overAccounted > 0) problems.push(`${tally.overAccounted} occurrences accounted twice`);
        if (tally.duplicateMessages > 0 && !c.duplicatesUnavoidable)
          problems.push(`${tally.duplicateMessages} duplicate messages`);
        if (world.unexpectedExits() > 0) problems.push(`${world.unexpectedExits()} unexpected process exits`);
        if (tally.duplicateMessages > 0 && c.duplicatesUnavoidable)
          notes.push(`${tally.duplicateMessages} duplicate messages measured: ${c.duplicatesUnavoidable}`);
        const extra = c.check?.(tally, ctx);
        if (extra) problems.push(extra);
        return {
          name: c.name,
          guarantee: c.guarantee,
          ok: problems.length === 0,
          problems,
          tally,
          unexpectedExits: world.unexpectedExits(),
          seconds: Math.round((Date.now() - started) / 1000),
          notes,
        };
      } finally {
        await world.close();
        if (c.cluster3) await caseKafka.close();
        if (c.redisReplica) await caseRedis.close();
      }
    },
    async close() {
      await kafka?.close();
      await redis?.close();
    },
  };
}
