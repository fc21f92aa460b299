import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKafkaAdmin, type BusRecord } from '@kube-herald/bus';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { createKubeStandin, type KubeStandin } from '@kube-herald/kube-standin';
import type { Logger } from '@kube-herald/logging';
import { startChild, type Child } from './child.js';
import { createLedger, type Ledger, type SentLine, type Tally } from './ledger.js';
import { ROOT } from './paths.js';
import { freePort } from './ports.js';
import { createTopicReader, type TopicReader } from './topic-reader.js';
import {
  collectorConfig,
  notifierConfig,
  robotName,
  type Plumbing,
  type RouteSettings,
} from './world-config.js';

/** Options of {@link createWorld}. */
export interface WorldOptions {
  readonly dir: string;
  readonly log: Logger;
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  /** The notifiers' `redis.durability.mode` (default none). */
  readonly redisDurability?: 'none' | 'replica';
  readonly clusters: number;
  readonly robots: number;
  readonly collectorReplicas: 1 | 2;
  readonly notifierReplicas: number;
  readonly route: RouteSettings;
  /** Mirror decisions to a topic and read it (accounting). Default true. */
  readonly decisions?: boolean;
  readonly stallTimeout?: string;
  readonly receiverTimeout?: string;
  readonly replicationFactor?: number;
  readonly throttleMs?: number;
  /** Run the services from dist/ (compiled, as in the image) instead of sources through tsx. */
  readonly compiled?: boolean;
  /** Called every 15 s while {@link World.drain} waits. */
  readonly progress?: (t: Tally) => void;
}

/** The whole pipeline: API stand-ins → collectors (children) → Kafka → notifiers (children) → DingTalk stand-in. */
export interface World {
  readonly kubes: ReadonlyMap<string, KubeStandin>;
  readonly clusterIds: readonly string[];
  readonly dingtalk: DingtalkStandin;
  readonly ledger: Ledger;
  readonly plumbing: Plumbing;
  start(): Promise<void>;
  collectors(): readonly Child[];
  notifiers(): readonly Child[];
  /** Kills collector `index` (cluster-major order) with SIGKILL and starts a fresh process in its place. */
  replaceCollector(index: number, downMs: number): Promise<void>;
  replaceNotifier(index: number, downMs: number): Promise<void>;
  /** Waits until every created occurrence is accounted in a sent message (or `timeoutMs` passes). */
  drain(timeoutMs: number): Promise<Tally>;
  unexpectedExits(): number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Creates a {@link World}; nothing runs before `start()`. */
export function createWorld(o: WorldOptions): World {
  const run = randomBytes(4).toString('hex');
  const clusterIds = Array.from({ length: o.clusters }, (_, i) => `c${i + 1}`);
  const kubes = new Map<string, KubeStandin>(
    clusterIds.map((id) => [
      id,
      createKubeStandin({ clusterName: id, bookmarkIntervalMs: 1000, watchCacheSize: 200_000 }),
    ]),
  );
  const robots = Array.from({ length: o.robots }, (_, i) => ({
    name: robotName(i),
    token: `tok-${run}-${i}`,
    keywords: ['K8s'],
  }));
  const dingtalk = createDingtalkStandin({ robots, ...(o.throttleMs ? { throttleMs: o.throttleMs } : {}) });
  const plumbing: Plumbing = {
    brokers: o.brokers,
    redisUrl: o.redisUrl,
    topic: `kh-bench-${run}.events`,
    dlqTopic: `kh-bench-${run}.dlq`,
    ...(o.decisions === false ? {} : { decisionsTopic: `kh-bench-${run}.decisions` }),
    groupId: `kh-bench-${run}-notifier`,
    redisPrefix: `khb-${run}`,
    ...(o.redisDurability ? { redisDurability: o.redisDurability } : {}),
  };
  const ledger = createLedger(kubes, dingtalk);
  const quiet = o.log.child({ component: 'bench-reader' }, { level: 'fatal' }); // readers retry on their own
  const readers: TopicReader[] = [];
  const collectorSlots: Child[] = [];
  const notifierSlots: Child[] = [];
  const exits: number[] = [];
  const notifierLogs: string[] = [];
  const readDecisionLogs = (): void => {
    for (const file of notifierLogs) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // not created yet
      }
      for (const line of text.split('\n')) {
        if (!line.includes('"decision":"sent"') && !line.includes('"decision":"failed"')) continue;
        try {
          ledger.onDecisionLine(JSON.parse(line) as SentLine);
        } catch {
          // a line cut by SIGKILL
        }
      }
    }
  };
  let kubeconfigs: string[] = [];
  let seq = 0;

  const spawnCollector = async (index: number): Promise<Child> => {
    const cluster = Math.floor(index / o.collectorReplicas);
    const port = await freePort();
    const identity = `collector-${clusterIds[cluster]}-${index % o.collectorReplicas}-${(seq += 1)}`;
    const file = join(o.dir, `${identity}.json`);
    const doc = collectorConfig(
      {
        clusterId: clusterIds[cluster]!,
        kubeconfig: kubeconfigs[cluster]!,
        identity,
        leaderElection: o.collectorReplicas > 1,
        httpPort: port,
        ...(o.stallTimeout ? { stallTimeout: o.stallTimeout } : {}),
      },
      plumbing,
    );
    writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 });
    const child = startChild({
      name: identity,
      args: [
        join(ROOT, o.compiled ? 'services/collector/dist/src/main.js' : 'services/collector/src/main.ts'),
        '--config',
        file,
      ],
      compiled: o.compiled === true,
      logFile: join(o.dir, `${identity}.log`),
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    });
    await child.ready(90_000);
    return child;
  };
  const notifierLog = (name: string): string => {
    const file = join(o.dir, `${name}.log`);
    notifierLogs.push(file);
    return file;
  };
  const spawnNotifier = async (index: number): Promise<Child> => {
    const port = await freePort();
    const name = `notifier-${index}-${(seq += 1)}`;
    const file = join(o.dir, `${name}.json`);
    const webhooks = robots.map((r) => dingtalk.webhookFor(r.name));
    writeFileSync(
      file,
      JSON.stringify(
        notifierConfig(
          webhooks,
          o.route,
          plumbing,
          port,
          o.receiverTimeout,
          plumbing.decisionsTopic ? 'info' : 'warn',
        ),
        null,
        2,
      ),
      { mode: 0o600 },
    );
    const child = startChild({
      name,
      args: [
        join(ROOT, o.compiled ? 'bench/dist/src/notifier-entry.js' : 'bench/src/notifier-entry.ts'),
        '--config',
        file,
      ],
      compiled: o.compiled === true,
      logFile: notifierLog(name),
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    });
    await child.ready(90_000);
    return child;
  };
  const reader = (topic: string, onRecord: (r: BusRecord) => void): TopicReader =>
    createTopicReader({
      brokers: o.brokers,
      topic,
      groupId: `kh-bench-${run}-${topic}-reader`,
      log: quiet,
      onRecord,
    });

  return {
    kubes,
    clusterIds,
    dingtalk,
    ledger,
    plumbing,
    async start() {
      await dingtalk.start();
      kubeconfigs = [];
      for (const [id, k] of kubes) {
        await k.start();
        kubeconfigs.push(await k.writeKubeconfig(join(o.dir, `kubeconfig-${id}-${run}.yaml`)));
      }
      const admin = createKafkaAdmin({ brokers: o.brokers, clientId: 'kh-bench-admin', log: o.log });
      const rf = o.replicationFactor ? { replicationFactor: o.replicationFactor } : {};
      const topics = [
        plumbing.topic,
        plumbing.dlqTopic,
        ...(plumbing.decisionsTopic ? [plumbing.decisionsTopic] : []),
      ];
      await admin.ensureTopics(topics.map((topic) => ({ topic, partitions: 6, ...rf })));
      await admin.close();
      readers.push(
        reader(plumbing.topic, (r) => ledger.onEvent(r)),
        reader(plumbing.dlqTopic, (r) => ledger.onDlq(r)),
      );
      if (plumbing.decisionsTopic) readers.push(reader(plumbing.decisionsTopic, (r) => ledger.onDecision(r)));
      await Promise.all(readers.map((r) => r.start()));
      for (let i = 0; i < o.notifierReplicas; i++) notifierSlots.push(await spawnNotifier(i));
      await sleep(2000); // let the group settle: the notifier starts at the latest offsets when it has none
      for (let i = 0; i < o.clusters * o.collectorReplicas; i++) collectorSlots.push(await spawnCollector(i));
    },
    collectors: () => collectorSlots,
    notifiers: () => notifierSlots,
    async replaceCollector(index, downMs) {
      const old = collectorSlots[index]!;
      await old.kill9();
      exits.push(old.unexpectedExits());
      await sleep(downMs);
      collectorSlots[index] = await spawnCollector(index);
    },
    async replaceNotifier(index, downMs) {
      const old = notifierSlots[index]!;
      await old.kill9();
      exits.push(old.unexpectedExits());
      await sleep(downMs);
      notifierSlots[index] = await spawnNotifier(index);
    },
    async drain(timeoutMs) {
      const until = Date.now() + timeoutMs;
      const done = (t: Tally): boolean => t.lostBeforeKafka === 0 && t.accounted >= t.distinctInKafka;
      let last = 0;
      for (;;) {
        if (plumbing.decisionsTopic) readDecisionLogs();
        const t = ledger.tally();
        if (done(t) || Date.now() > until) break;
        if (Date.now() - last > 15_000) {
          last = Date.now();
          o.log.info({ tally: t }, 'draining');
          o.progress?.(t);
        }
        await sleep(2000);
      }
      await sleep(1500); // late duplicates, if any, would arrive now
      await Promise.all(readers.map((r) => r.caughtUp(15_000)));
      if (plumbing.decisionsTopic) readDecisionLogs();
      return ledger.tally();
    },
    unexpectedExits: () =>
      exits.reduce((a, b) => a + b, 0) +
      [...collectorSlots, ...notifierSlots].reduce((n, c) => n + c.unexpectedExits(), 0),
    async close() {
      await Promise.all([...collectorSlots, ...notifierSlots].map((c) => c.stop()));
      await Promise.all(readers.map((r) => r.close()));
      for (const k of kubes.values()) await k.close();
      await dingtalk.close();
    },
  };
}
