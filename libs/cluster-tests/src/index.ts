export { startService, startSourceChild, type ServiceChild, type SourceChildOptions } from './child.js';
export { KubeApiError, KubeEnvError, kubeApi, kubeEnv } from './kube-api.js';
export type { KubeAnswer, KubeApi, KubeEnv } from './kube-api.js';
export {
  collectionPath,
  create,
  deployment,
  kwokNode,
  namespace,
  objectPath,
  remove,
  serviceAccountToken,
  writeKubeconfig,
} from './objects.js';
export type { KubeObject } from './objects.js';
export { chartCollectorRbac, collectorIdentity, eventSeen, startCollector } from './rig.js';
export type { CollectorIdentity, CollectorRun } from './rig.js';
export { kubeScript } from './script.js';
export { freshTopic, readEvents, type TopicEvents } from './topic.js';
export { watchLines, wire, type WireAnswer, type WireTarget } from './wire.js';
