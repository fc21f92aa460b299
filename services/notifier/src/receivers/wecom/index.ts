import { defineReceiver } from '../schema.js';
import { createWecomReceiver } from './receiver.js';
import { validateWecomWebhook, wecomReceiverSchema } from './schema.js';

/** `type: wecom` — a WeCom (企业微信) group robot. */
export const wecomReceiver = defineReceiver({
  type: 'wecom',
  schema: wecomReceiverSchema,
  create: createWecomReceiver,
  validateWebhookUrl: validateWecomWebhook,
});
export { createWecomReceiver } from './receiver.js';
export { wecomReceiverSchema, validateWecomWebhook } from './schema.js';
export type { WecomReceiverConfig } from './schema.js';
export { renderWecom, safeWecomMarkdown } from './render/index.js';
