import { defineReceiver } from '../schema.js';
import { createWebhookReceiver } from './receiver.js';
import { validateWebhookUrl, webhookReceiverSchema } from './schema.js';

/** `type: webhook`: any HTTPS endpoint taking the digest as JSON (registry entry). */
export const webhookReceiver = defineReceiver({
  type: 'webhook',
  schema: webhookReceiverSchema,
  create: createWebhookReceiver,
  validateWebhookUrl,
});

export { createWebhookReceiver, WEBHOOK_BODY_SCHEMA } from './receiver.js';
export { validateWebhookUrl, webhookReceiverSchema } from './schema.js';
export type { WebhookReceiverConfig } from './schema.js';
