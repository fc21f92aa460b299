import { defineReceiver } from '../schema.js';
import { createDingtalkReceiver } from './receiver.js';
import { dingtalkReceiverSchema, validateDingtalkWebhook } from './schema.js';

/** `type: dingtalk`: a DingTalk custom robot (registry entry). */
export const dingtalkReceiver = defineReceiver({
  type: 'dingtalk',
  schema: dingtalkReceiverSchema,
  create: createDingtalkReceiver,
  validateWebhookUrl: validateDingtalkWebhook,
});

export { createDingtalkReceiver } from './receiver.js';
export { dingtalkReceiverSchema, validateDingtalkWebhook } from './schema.js';
export type { DingtalkReceiverConfig } from './schema.js';
export { renderDingtalk, DEFAULT_MAX_BODY_BYTES } from './render/index.js';
export type { RenderOptions } from './render/index.js';
