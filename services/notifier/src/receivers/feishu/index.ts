import { defineReceiver } from '../schema.js';
import { createFeishuReceiver } from './receiver.js';
import { feishuReceiverSchema, validateFeishuWebhook } from './schema.js';

/** `type: feishu`: a Feishu / Lark custom bot (registry entry). */
export const feishuReceiver = defineReceiver({
  type: 'feishu',
  schema: feishuReceiverSchema,
  create: createFeishuReceiver,
  validateWebhookUrl: validateFeishuWebhook,
});

export { createFeishuReceiver } from './receiver.js';
export { feishuReceiverSchema, validateFeishuWebhook } from './schema.js';
export type { FeishuReceiverConfig } from './schema.js';
export { renderFeishu } from './render.js';
export type { FeishuRenderOptions } from './render.js';
