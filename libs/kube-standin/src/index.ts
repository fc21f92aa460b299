export * from './kube-standin.js';
export type { KubeStandinControls, KubeStandinStats, DownMode } from './controls.js';
export type { EventInput, EventRef, EventSpec, Occurrence } from './events.js';
export type { Workloads, WorkloadOptions, DeploymentObjects, CronJobObjects } from './workloads.js';
export type {
  Change,
  ChangeType,
  JsonObject,
  KubeObject,
  ObjectMeta,
  OwnerReference,
  StorageKind,
} from './types.js';
export { toEventsV1, fromEventsV1, toCoreV1 } from './event-views.js';
export { renderKubeconfig, type KubeconfigParams } from './kubeconfig.js';
export { KubeApiError, statusObject, type StatusObject } from './status.js';
export { CONTROL_PREFIX } from './control-api.js';
export { formatTime, formatMicroTime } from './time.js';
export { createKubeStandinClient, type KubeStandinClient, type WorkloadKind } from './control-client.js';
export { startFailingPod, ownerGets, POD_START_REASONS } from './scenarios.js';
