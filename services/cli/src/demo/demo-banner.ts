import type { DemoInfo, DemoPlan } from './demo.js';
import {
  FEISHU_BOT,
  FEISHU_NAMESPACE,
  PROD_ROBOT,
  STAGING_KEYWORD,
  STAGING_ROBOT,
  WECOM_NAMESPACE,
  WECOM_ROBOT,
} from './simulated-world.js';

/** The text the demo prints once everything runs: where to look and what to expect. */
export function demoBanner(plan: DemoPlan, info: DemoInfo): string {
  const clusters = info.clusters.map((c) => (c.name ? `${c.id} (${c.name})` : c.id)).join(', ');
  const services = `${info.clusters.length} collector(s), 2 notifier replicas — logs in ${info.logDir}`;
  if (plan.kind === 'real') {
    return [
      '',
      `kube-herald demo: watching the real cluster ${clusters}`,
      `  robot:     your DingTalk robot (Warnings only, grouped by cluster/namespace/reason)`,
      `  services:  ${services}`,
      `  console:   ${info.consoleUrl} (admin token in ${info.consoleTokenFile})`,
      '  No scenario is played: real Warning events of the cluster become DingTalk messages.',
      "  Ctrl-C stops the demo's processes; Kafka and Redis keep running (bash scripts/services.sh stop).",
      '',
    ].join('\n');
  }
  const steps = plan.scenario.steps
    .filter((s) => s.title)
    .map((s) => `    ${formatAt(s.at / (plan.speed ?? 1))}  [${s.cluster}] ${s.title ?? ''}`);
  return [
    '',
    `kube-herald demo: scenario "${plan.scenario.name}" on ${info.clusters.length} simulated clusters`,
    '',
    `  DingTalk page:  ${info.pageUrl ?? '(none)'}`,
    `  WeCom + Feishu: ${info.groupsPageUrl ?? '(none)'}`,
    `  Console:        ${info.consoleUrl}  (admin token in ${info.consoleTokenFile})`,
    '',
    `  clusters:       ${clusters}`,
    `  robots:         "${PROD_ROBOT}" (signed) ← prod-* Warnings of the other namespaces`,
    `                  "${STAGING_ROBOT}" (keyword ${STAGING_KEYWORD}) ← staging Warnings; Normal events are dropped`,
    `                  WeCom "${WECOM_ROBOT}" ← namespace ${WECOM_NAMESPACE}; Feishu "${FEISHU_BOT}" (signed) ← namespace ${FEISHU_NAMESPACE}`,
    `  services:       ${services}`,
    '',
    '  What to look at (open the pages): the first alerts arrive within about a minute, grouped per',
    '  cluster/namespace/reason, with the owning Deployment beside each Pod. Counts climb as incidents',
    '  repeat; during the storm the per-robot counter stays at or below 20 messages per minute, the',
    '  storm is summarized and no message is refused by the robot.',
    '',
    '  Timeline:',
    ...steps,
    '',
    "  Ctrl-C stops the demo's processes; Kafka and Redis keep running (bash scripts/services.sh stop).",
    '',
  ].join('\n');
}

function formatAt(ms: number): string {
  const s = Math.round(ms / 1000);
  return `+${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
