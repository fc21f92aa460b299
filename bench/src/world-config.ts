/** Route settings of a run (durations as the config accepts them, e.g. `'0s'`, `'10s'`). */
export interface RouteSettings {
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
  readonly groupBy?: readonly string[];
}

/** Kafka/Redis plumbing of one run. */
export interface Plumbing {
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  readonly topic: string;
  readonly dlqTopic: string;
  readonly decisionsTopic?: string;
  readonly groupId: string;
  readonly redisPrefix: string;
  /** The notifier's `redis.durability.mode` (default none). */
  readonly redisDurability?: 'none' | 'replica';
}

/** Options of a collector config. */
export interface CollectorDoc {
  readonly clusterId: string;
  readonly kubeconfig: string;
  readonly identity: string;
  readonly leaderElection: boolean;
  readonly httpPort: number;
  readonly stallTimeout?: string;
}

/** The collector's config document (schema: services/collector/src/config.ts). */
export function collectorConfig(c: CollectorDoc, p: Plumbing): Record<string, unknown> {
  return {
    cluster: { id: c.clusterId },
    kubernetes: { kubeconfig: c.kubeconfig, api: 'core/v1', stallTimeout: c.stallTimeout ?? '90s' },
    kafka: { brokers: [...p.brokers], topic: p.topic, clientId: `kh-bench-${c.identity}` },
    collector: { maxEventAge: '1h', enrichment: { enabled: false } },
    leaderElection: {
      enabled: c.leaderElection,
      namespace: 'kube-herald',
      leaseName: 'kube-herald-collector',
      leaseDuration: '6s',
      renewDeadline: '4s',
      retryPeriod: '1s',
      identity: c.identity,
    },
    http: { port: c.httpPort },
    log: { level: 'warn' },
  };
}

/** Receiver name of robot `i`. */
export const robotName = (i: number): string => `robot-${i}`;
/** Namespace routed to robot `i % robots`. */
export const namespaceName = (i: number): string => `ns-${i}`;

/** The notifier's config document: namespace `ns-k` → robot `k`, Normal dropped. */
export function notifierConfig(
  webhooks: readonly string[],
  route: RouteSettings,
  p: Plumbing,
  httpPort: number,
  receiverTimeout = '5s',
  logLevel: 'info' | 'warn' = 'warn',
): Record<string, unknown> {
  return {
    kafka: { brokers: [...p.brokers], topic: p.topic, dlqTopic: p.dlqTopic, groupId: p.groupId },
    redis: {
      url: p.redisUrl,
      prefix: p.redisPrefix,
      ...(p.redisDurability ? { durability: { mode: p.redisDurability } } : {}),
    },
    receivers: webhooks.map((webhook, i) => ({
      name: robotName(i),
      type: 'dingtalk',
      webhook,
      insecureHttp: true, // test flag: the benches' DingTalk stand-in answers on plain http
      keywords: ['K8s'],
      msgType: 'markdown',
      timeoutMs: receiverTimeout,
    })),
    route: {
      receiver: robotName(0),
      groupBy: [...(route.groupBy ?? ['cluster', 'namespace', 'reason'])],
      groupWait: route.groupWait,
      groupInterval: route.groupInterval,
      repeatInterval: route.repeatInterval,
      routes: [
        { drop: { type: 'Normal' } },
        ...webhooks.map((_, i) => ({
          match: { namespace: namespaceName(i) },
          receiver: robotName(i),
        })),
      ],
    },
    dedup: { ttl: '1h' },
    delivery: { attempts: 100, backoffMs: '500ms' },
    ...(p.decisionsTopic ? { decisionLog: { topic: p.decisionsTopic } } : {}),
    http: { port: httpPort },
    // at info, the decision lines ('message sent') are in the log, which the fault ledger reads back
    log: { level: logLevel },
  };
}
