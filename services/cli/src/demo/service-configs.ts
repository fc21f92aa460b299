import { writeFile } from 'node:fs/promises';

/** A simulated or real cluster as the collector reports it. */
export interface DemoCluster {
  readonly id: string;
  readonly name?: string;
  readonly kubeconfig: string;
}

/** A notifier receiver as the demo configures it (secrets inline: the files are mode 0600 under .run/). */
export interface DemoReceiver {
  readonly name: string;
  /** The receiver type; default dingtalk. */
  readonly type?: 'dingtalk' | 'wecom' | 'feishu';
  readonly webhook: string;
  readonly secret?: string;
  readonly keywords?: readonly string[];
  /** The stand-in answers on plain http: the receiver's explicit test flag. */
  readonly insecureHttp?: boolean;
}

/** The shared plumbing of one demo run. */
export interface DemoPlumbing {
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  readonly topic: string;
  readonly groupId: string;
  readonly redisPrefix: string;
  readonly logLevel: string;
  /** The decision-log topic (the console's "why" reads it). */
  readonly decisionTopic?: string;
}

/** The collector's config for one cluster (the real schema: services/collector/src/config.ts). */
export function collectorConfig(c: DemoCluster, p: DemoPlumbing, httpPort: number): Record<string, unknown> {
  return {
    cluster: { id: c.id, ...(c.name ? { name: c.name } : {}) },
    kubernetes: { kubeconfig: c.kubeconfig, api: 'core/v1' },
    kafka: { brokers: [...p.brokers], topic: p.topic, clientId: `kh-demo-collector-${c.id}` },
    collector: { maxEventAge: '10m' },
    leaderElection: { enabled: false },
    http: { port: httpPort },
    log: { level: p.logLevel },
  };
}

/** A namespace routed to its team's own group (any cluster), before the cluster routes. */
export interface TeamRoute {
  readonly namespace: string;
  readonly receiver: string;
}

/**
 * The route tree of the simulated fleet: Normal dropped, each team namespace to its group (WeCom, Feishu),
 * the rest of prod-* to on-call, staging to its group.
 */
export function simulatedRoute(
  prodReceiver: string,
  stagingReceiver: string,
  teams: readonly TeamRoute[] = [],
): Record<string, unknown> {
  return {
    receiver: prodReceiver,
    groupBy: ['cluster', 'namespace', 'reason'],
    groupWait: '5s',
    groupInterval: '30s',
    // Short for the demo: ongoing incidents come back every 2 minutes with their climbing counts.
    repeatInterval: '2m',
    routes: [
      { drop: { type: 'Normal' } },
      ...teams.map((t) => ({ name: t.namespace, match: { namespace: t.namespace }, receiver: t.receiver })),
      { name: 'prod', match: { cluster: 'prod-.*' }, receiver: prodReceiver },
      { name: 'staging', match: { cluster: 'staging' }, receiver: stagingReceiver },
    ],
  };
}

/** One receiver for a real cluster: every Warning to the one robot. */
export function realRoute(receiver: string): Record<string, unknown> {
  return {
    receiver,
    groupBy: ['cluster', 'namespace', 'reason'],
    groupWait: '10s',
    groupInterval: '1m',
    repeatInterval: '4h',
    routes: [{ drop: { type: 'Normal' } }],
  };
}

/** The operator console of one notifier replica: its port and the file holding its admin token. */
export interface DemoConsole {
  readonly port: number;
  readonly adminTokenFile: string;
}

/** The notifier's config (the real schema: services/notifier/src/config.ts). */
export function notifierConfig(
  receivers: readonly DemoReceiver[],
  route: Record<string, unknown>,
  p: DemoPlumbing,
  httpPort: number,
  operatorConsole?: DemoConsole,
): Record<string, unknown> {
  return {
    kafka: {
      brokers: [...p.brokers],
      topic: p.topic,
      dlqTopic: `${p.topic}.dlq`,
      groupId: p.groupId,
      clientId: 'kh-demo-notifier',
    },
    redis: { url: p.redisUrl, prefix: p.redisPrefix },
    receivers: receivers.map((r) => ({
      name: r.name,
      type: r.type ?? 'dingtalk',
      webhook: r.webhook,
      ...(r.insecureHttp ? { insecureHttp: true } : {}),
      ...(r.secret ? { secret: r.secret } : {}),
      ...(r.keywords?.length ? { keywords: [...r.keywords] } : {}),
      // markdown for DingTalk and WeCom; Feishu's default, a card
      ...(r.type === 'feishu' ? {} : { msgType: 'markdown' }),
    })),
    route,
    dedup: { ttl: '1h' },
    ...(p.decisionTopic ? { decisionLog: { topic: p.decisionTopic } } : {}),
    ...(operatorConsole ? { console: { enabled: true, ...operatorConsole } } : {}),
    http: { port: httpPort },
    log: { level: p.logLevel },
  };
}

/** Writes a config file. JSON is YAML, so the services read it as their YAML config. */
export async function writeConfig(file: string, doc: Record<string, unknown>): Promise<string> {
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  return file;
}
