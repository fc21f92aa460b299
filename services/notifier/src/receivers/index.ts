export {
  createReceivers,
  mentionLabelOf,
  receiverSchema,
  RECEIVER_TYPES,
  validateReceiverWebhook,
} from './registry.js';
export type { ReceiverConfig, ReceiverType, ReceiversInput } from './registry.js';
export type { ReceiverSecrets } from './schema.js';
export type { ReceiverDeps } from './receiver-deps.js';
export { createDingtalkReceiver } from './dingtalk/index.js';
export { createWebhookReceiver, WEBHOOK_BODY_SCHEMA } from './webhook/index.js';
