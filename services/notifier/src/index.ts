export * from './model.js';
export { createNotifier, notifierPrefixes, replayPrefixes, DELIVERY_QUEUE } from './notifier.js';
export type { Notifier, NotifierDeps, NotifierOptions } from './notifier.js';
export { runNotifier, serveNotifier } from './main.js';
export { createDecisionEngine } from './pipeline/decision-engine.js';
export type {
  Decision,
  DecisionEngine,
  DecisionEngineDeps,
  GroupPlacement,
  ProcessOptions,
  SilenceHit,
  SilenceMatcher,
} from './pipeline/decision-engine.js';
export { createGroupStore, groupId } from './store/group-store.js';
export type { GroupStore, GroupStoreOptions } from './store/group-store.js';
export { buildDigest } from './pipeline/digest.js';
export { createRateGate, gateKeyOf, gateStatus, robotKeyOf } from './rate-gate.js';
export type {
  AcquireOptions,
  GateAnswer,
  GateStatus,
  RateGate,
  RateGateOptions,
  ThrottleBlock,
  ThrottleOptions,
} from './rate-gate.js';
export { listFailed, retryFailed } from './failed.js';
export type { FailedDelivery } from './failed.js';
export { createNotifierMetrics } from './metrics.js';
export type { NotifierMetrics } from './metrics.js';
export {
  loadNotifierConfig,
  parseNotifierConfig,
  notifierConfigSchema,
  notifierConfigJsonSchema,
} from './config.js';
export type { NotifierConfig } from './config.js';
export { compileRoutes, routeEvent } from './routing/index.js';
export { createReceivers } from './receivers/index.js';
export { createSilenceStore, buildSilence } from './silences/index.js';
export type { Silence, SilenceInput, SilenceStore, SilenceStoreOptions } from './silences/index.js';
export { parseKubeEventerSink, kubeEventerSinksToConfig, toYaml } from './kube-eventer.js';
export { kubeEventerConfigYaml } from './kube-eventer-yaml.js';
export type { KubeEventerYamlOptions } from './kube-eventer-yaml.js';
export { parseWechatSink } from './kube-eventer-wechat.js';
export type { KubeEventerFragment, KubeEventerConfigOptions } from './kube-eventer.js';
export { createConsole } from './console/index.js';
export type { ConsoleDeps, OperatorConsole } from './console/index.js';
