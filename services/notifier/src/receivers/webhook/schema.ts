import { z } from 'zod';
import { baseReceiverSchema, webhookValidator } from '../schema.js';
import type { ConfigOf } from '../schema.js';

/** A `type: webhook` receiver: any HTTPS endpoint taking the digest as JSON (`secret` → bearer token). */
export const webhookReceiverSchema = baseReceiverSchema.extend({ type: z.literal('webhook') });

/** A webhook receiver as validated, secrets removed. */
export type WebhookReceiverConfig = ConfigOf<typeof webhookReceiverSchema>;

/** A generic webhook: an absolute https URL (http only with `insecureHttp`). */
export const validateWebhookUrl = webhookValidator('a webhook');
