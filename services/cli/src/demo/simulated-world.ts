import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { createKubeStandin, type KubeStandin } from '@kube-herald/kube-standin';
import type { Logger } from '@kube-herald/logging';
import type { Scenario } from './scenario-schema.js';
import type { DemoCluster, DemoReceiver } from './service-configs.js';

/** The two simulated DingTalk group chats. */
export const PROD_ROBOT = 'prod on-call';
export const STAGING_ROBOT = 'staging';
/** Keyword the staging robot requires (DingTalk security setting). */
export const STAGING_KEYWORD = 'K8s';

/** The stand-ins of a simulated demo: one Kubernetes API per cluster and the DingTalk robots. */
export interface SimulatedWorld {
  readonly kubes: ReadonlyMap<string, KubeStandin>;
  readonly dingtalk: DingtalkStandin;
  readonly pageUrl: string;
  readonly clusters: readonly DemoCluster[];
  readonly receivers: readonly DemoReceiver[];
  /** Closes the DingTalk stand-in, then the clusters. Idempotent. */
  close(): Promise<void>;
}

/** Starts a kube-standin per scenario cluster (kubeconfigs in `runDir`) and the DingTalk stand-in on `pagePort`. */
export async function startSimulatedWorld(
  scenario: Scenario,
  runDir: string,
  pagePort: number,
  log: Logger,
): Promise<SimulatedWorld> {
  const kubes = new Map<string, KubeStandin>();
  const clusters: DemoCluster[] = [];
  let dingtalk: DingtalkStandin | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await dingtalk?.close();
      for (const k of [...kubes.values()].reverse()) await k.close();
    })());
  try {
    for (const c of scenario.clusters) {
      const kube = createKubeStandin({ clusterName: c.id, log: log.child({ cluster: c.id }) });
      kubes.set(c.id, kube);
      await kube.start();
      const kubeconfig = await kube.writeKubeconfig(join(runDir, `${c.id}.kubeconfig`));
      clusters.push({ id: c.id, ...(c.name ? { name: c.name } : {}), kubeconfig });
    }
    const prod = {
      name: PROD_ROBOT,
      token: randomBytes(16).toString('hex'),
      secret: `SEC${randomBytes(24).toString('hex')}`,
    };
    const staging = {
      name: STAGING_ROBOT,
      token: randomBytes(16).toString('hex'),
      keywords: [STAGING_KEYWORD],
    };
    dingtalk = createDingtalkStandin({ robots: [prod, staging], ratePerMinute: 20, throttleMs: 60_000, log });
    const { url } = await dingtalk.start(pagePort);
    const receivers: DemoReceiver[] = [
      {
        name: 'prod-oncall',
        webhook: dingtalk.webhookFor(PROD_ROBOT),
        secret: prod.secret,
        insecureHttp: true,
      },
      {
        name: 'staging',
        webhook: dingtalk.webhookFor(STAGING_ROBOT),
        keywords: [STAGING_KEYWORD],
        insecureHttp: true,
      },
    ];
    return { kubes, dingtalk, pageUrl: url, clusters, receivers, close };
  } catch (err) {
    await close();
    throw err;
  }
}
