import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createKafkaAdmin } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import { freePort, startServiceProcess, type ServiceProcess } from '@kube-herald/process';
import type { RealTarget } from './demo-options.js';
import { createScenarioPlayer, type ScenarioPlayer } from './scenario-player.js';
import type { Scenario } from './scenario-schema.js';
import { serviceArgs, type DemoService } from './service-command.js';
import {
  collectorConfig,
  notifierConfig,
  realRoute,
  simulatedRoute,
  writeConfig,
  type DemoCluster,
  type DemoPlumbing,
  type DemoReceiver,
} from './service-configs.js';
import {
  FEISHU_NAMESPACE,
  WECOM_NAMESPACE,
  startSimulatedWorld,
  type SimulatedWorld,
} from './simulated-world.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What the demo runs against: simulated clusters and robots, or one real cluster and robot. */
export type DemoPlan =
  | {
      readonly kind: 'simulated';
      readonly scenario: Scenario;
      readonly pagePort: number;
      readonly speed?: number;
    }
  | RealTarget;

/** Options of {@link createDemo}. */
export interface DemoOptions {
  readonly plan: DemoPlan;
  /** The repository root (children run from there). */
  readonly root: string;
  /** Generated configs, kubeconfigs and child logs (`.run/demo`). */
  readonly runDir: string;
  /** Environment given to the children (the demo's own, minus per-service overrides). */
  readonly env: Env;
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  readonly log: Logger;
  readonly notifierReplicas?: number;
  readonly readyTimeoutMs?: number;
  /** Port of the operator console (served by the first notifier replica); a free one when taken or 0. */
  readonly consolePort?: number;
}

/** What a started demo tells the user. */
export interface DemoInfo {
  readonly pageUrl: string | undefined;
  /** The page of the WeCom and Feishu groups (simulated demos). */
  readonly groupsPageUrl?: string;
  readonly clusters: readonly DemoCluster[];
  readonly receivers: readonly string[];
  readonly logDir: string;
  readonly topic: string;
  /** The operator console and the file holding its admin token. */
  readonly consoleUrl: string;
  readonly consoleTokenFile: string;
}

/** The whole pipeline on one machine: stand-ins, collectors and notifiers as child processes, a scenario. */
export interface Demo {
  start(): Promise<DemoInfo>;
  /** Resolves with a description when a child service exits on its own. */
  readonly failed: Promise<string>;
  readonly world: () => SimulatedWorld | undefined;
  readonly player: () => ScenarioPlayer | undefined;
  /** Stops the scenario, collectors, notifiers, then the stand-ins. Idempotent. */
  close(): Promise<void>;
}

// How long a child gets after SIGTERM before SIGKILL: the services allow themselves 10 s to close.
const CHILD_STOP_DEADLINE_MS = 15_000;

// Overrides the services read from the environment; the demo's configs must win.
const PER_SERVICE_ENV = [
  'KH_CLUSTER_ID',
  'KH_CLUSTER_NAME',
  'KH_KUBECONFIG',
  'KH_HTTP_PORT',
  'KH_KAFKA_TOPIC',
  'KH_LEADER_IDENTITY',
  'POD_NAME',
  'KH_NOTIFIER_CONFIG',
];

/** Creates a {@link Demo}. */
export function createDemo(o: DemoOptions): Demo {
  const log = o.log.child({ component: 'demo' });
  const runId = Date.now().toString(36);
  const logDir = join(o.runDir, 'logs');
  const childEnv: Record<string, string | undefined> = { ...o.env };
  for (const k of PER_SERVICE_ENV) delete childEnv[k];
  const decisionTopic = `kh-demo-${runId}.decisions`;
  const plumbing: DemoPlumbing = {
    brokers: o.brokers,
    redisUrl: o.redisUrl,
    topic: `kh-demo-${runId}.events`,
    groupId: `kh-demo-${runId}`,
    redisPrefix: `khdemo-${runId}`,
    decisionTopic,
    logLevel: o.env.KH_LOG_LEVEL ?? 'info',
  };
  const collectors: ServiceProcess[] = [];
  const notifiers: ServiceProcess[] = [];
  let world: SimulatedWorld | undefined;
  let player: ScenarioPlayer | undefined;
  let closing: Promise<void> | undefined;
  let reportFailure: (why: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => (reportFailure = resolve));

  async function child(service: DemoService, name: string, doc: (port: number) => Record<string, unknown>) {
    const port = await freePort();
    const file = await writeConfig(join(o.runDir, `${name}.yaml`), doc(port));
    const logFile = join(logDir, `${name}.log`);
    return startServiceProcess({
      name,
      args: serviceArgs(service, file),
      env: childEnv,
      cwd: o.root,
      logFile,
      readyUrl: `http://127.0.0.1:${port}/readyz`,
      log,
      onExit: ({ code }) => {
        if (!closing) reportFailure(`${name} exited with code ${String(code)} (log: ${logFile})`);
      },
    });
  }

  async function start(): Promise<DemoInfo> {
    await mkdir(logDir, { recursive: true });
    const admin = createKafkaAdmin({ brokers: [...o.brokers], clientId: 'kh-demo-admin', log });
    try {
      await admin.ensureTopics([
        { topic: plumbing.topic, partitions: 6 },
        { topic: `${plumbing.topic}.dlq`, partitions: 1 },
        { topic: decisionTopic, partitions: 1 },
      ]);
    } finally {
      await admin.close();
    }
    let clusters: readonly DemoCluster[];
    let receivers: readonly DemoReceiver[];
    let route: Record<string, unknown>;
    const plan = o.plan;
    if (plan.kind === 'simulated') {
      world = await startSimulatedWorld(plan.scenario, o.runDir, plan.pagePort, log);
      clusters = world.clusters;
      receivers = world.receivers;
      route = simulatedRoute('prod-oncall', 'staging', [
        { namespace: WECOM_NAMESPACE, receiver: 'orders-wecom' },
        { namespace: FEISHU_NAMESPACE, receiver: 'risk-feishu' },
      ]);
    } else {
      clusters = [{ id: plan.clusterId, kubeconfig: plan.kubeconfig }];
      receivers = [
        {
          name: 'oncall',
          webhook: plan.webhook,
          ...(plan.secret ? { secret: plan.secret } : {}),
          ...(plan.insecureHttp ? { insecureHttp: true } : {}),
        },
      ];
      route = realRoute('oncall');
    }
    const replicas = o.notifierReplicas ?? 2;
    const operatorConsole = await demoConsole(o.runDir, o.consolePort ?? 0);
    for (let i = 1; i <= replicas; i++)
      notifiers.push(
        await child('notifier', `notifier-${i}`, (port) =>
          notifierConfig(receivers, route, plumbing, port, i === 1 ? operatorConsole : undefined),
        ),
      );
    const timeout = o.readyTimeoutMs ?? 120_000;
    await Promise.all(notifiers.map((n) => n.ready(timeout)));
    for (const c of clusters)
      collectors.push(
        await child('collector', `collector-${c.id}`, (port) => collectorConfig(c, plumbing, port)),
      );
    await Promise.all(collectors.map((c) => c.ready(timeout)));
    if (plan.kind === 'simulated' && world) {
      player = createScenarioPlayer({
        scenario: plan.scenario,
        clusters: world.kubes,
        log,
        ...(plan.speed ? { speed: plan.speed } : {}),
      });
      player.start();
    }
    log.info({ runId, topic: plumbing.topic }, 'demo running');
    return {
      pageUrl: world?.pageUrl,
      ...(world ? { groupsPageUrl: world.groupsPageUrl } : {}),
      clusters,
      receivers: receivers.map((r) => r.name),
      logDir,
      topic: plumbing.topic,
      consoleUrl: `http://127.0.0.1:${operatorConsole.port}`,
      consoleTokenFile: operatorConsole.adminTokenFile,
    };
  }

  async function doClose(): Promise<void> {
    await player?.close();
    await Promise.all([...collectors].reverse().map((c) => c.stop(CHILD_STOP_DEADLINE_MS)));
    await Promise.all([...notifiers].reverse().map((c) => c.stop(CHILD_STOP_DEADLINE_MS)));
    await world?.close();
    log.info({ runId }, 'demo stopped');
  }

  return {
    start,
    failed,
    world: () => world,
    player: () => player,
    close() {
      return (closing ??= doClose());
    },
  };
}

/** The console's port (the preferred one when free) and a fresh admin token in a 0600 file of the run. */
async function demoConsole(runDir: string, preferred: number) {
  const adminTokenFile = join(runDir, 'console-token');
  await writeFile(adminTokenFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  const free = await new Promise<boolean>((resolve) => {
    if (preferred === 0) return resolve(false);
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  return { port: free ? preferred : await freePort(), adminTokenFile };
}
