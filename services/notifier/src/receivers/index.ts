export { createDingtalkReceiver } from './dingtalk.js';
export { createWebhookReceiver, WEBHOOK_BODY_SCHEMA } from './webhook.js';
export { createReceivers, receiverTypes } from './registry.js';
export { RECEIVER_TYPES, receiverSchema } from './receiver-schema.js';
export type { ReceiverConfig, ReceiverSecrets, ReceiverType } from './receiver-schema.js';
export type { ReceiverDeps } from './receiver-deps.js';
