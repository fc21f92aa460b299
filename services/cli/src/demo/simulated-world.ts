import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { createFeishuStandin, type FeishuStandin } from '@kube-herald/feishu-standin';
import { createKubeStandin, type KubeStandin } from '@kube-herald/kube-standin';
import { createWecomStandin, type WecomStandin } from '@kube-herald/wecom-standin';
import type { Logger } from '@kube-herald/logging';
import type { Scenario } from './scenario-schema.js';
import { startGroupsPage, type GroupsPage } from './groups-page.js';
import type { DemoCluster, DemoReceiver } from './service-configs.js';

/** The two simulated DingTalk group chats. */
export const PROD_ROBOT = 'prod on-call';
export const STAGING_ROBOT = 'staging';
/** Keyword the staging robot requires (DingTalk security setting). */
export const STAGING_KEYWORD = 'K8s';
/** The WeCom group robot of the orders team and the Feishu bot of the risk team, and their namespaces. */
export const WECOM_ROBOT = 'orders team';
export const WECOM_NAMESPACE = 'orders';
export const FEISHU_BOT = 'risk team';
export const FEISHU_NAMESPACE = 'risk';

/** The stand-ins of a simulated demo: one Kubernetes API per cluster, the DingTalk robots, a WeCom and a Feishu group. */
export interface SimulatedWorld {
  readonly kubes: ReadonlyMap<string, KubeStandin>;
  readonly dingtalk: DingtalkStandin;
  readonly wecom: WecomStandin;
  readonly feishu: FeishuStandin;
  readonly pageUrl: string;
  /** The page of the WeCom and Feishu groups. */
  readonly groupsPageUrl: string;
  readonly clusters: readonly DemoCluster[];
  readonly receivers: readonly DemoReceiver[];
  /** Closes the robot stand-ins and their page, then the clusters. Idempotent. */
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
  let wecom: WecomStandin | undefined;
  let feishu: FeishuStandin | undefined;
  let groupsPage: GroupsPage | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await groupsPage?.close();
      await Promise.all([dingtalk?.close(), wecom?.close(), feishu?.close()]);
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
    const others = await startOtherGroups(log);
    ({ wecom, feishu } = others);
    groupsPage = await startGroupsPage(wecom, feishu);
    return {
      kubes,
      dingtalk,
      wecom,
      feishu,
      pageUrl: url,
      groupsPageUrl: groupsPage.url,
      clusters,
      receivers: [...receivers, ...others.receivers],
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The WeCom stand-in (one robot, its 20/min) and the Feishu stand-in (one signed bot, 100/min and 5/s). */
async function startOtherGroups(
  log: Logger,
): Promise<{ wecom: WecomStandin; feishu: FeishuStandin; receivers: DemoReceiver[] }> {
  const wecom = createWecomStandin({
    robots: [{ name: WECOM_ROBOT, key: randomBytes(16).toString('hex') }],
    log: log.child({ standin: 'wecom' }),
  });
  const feishuSecret = randomBytes(16).toString('hex');
  const feishu = createFeishuStandin({
    bots: [{ name: FEISHU_BOT, token: randomBytes(16).toString('hex'), secret: feishuSecret }],
    log: log.child({ standin: 'feishu' }),
  });
  try {
    await wecom.start();
    await feishu.start();
  } catch (err) {
    await Promise.all([wecom.close(), feishu.close()]);
    throw err;
  }
  const receivers: DemoReceiver[] = [
    { name: 'orders-wecom', type: 'wecom', webhook: wecom.webhookFor(WECOM_ROBOT), insecureHttp: true },
    {
      name: 'risk-feishu',
      type: 'feishu',
      webhook: feishu.webhookFor(FEISHU_BOT),
      secret: feishuSecret,
      insecureHttp: true,
    },
  ];
  return { wecom, feishu, receivers };
}
