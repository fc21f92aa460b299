import { z } from 'zod';
import { baseReceiverSchema, webhookValidator } from '../schema.js';
import { fromLabelSchema, keywordsSchema, rateLimit } from '../fields.js';
import type { ConfigOf } from '../schema.js';

/** A `type: dingtalk` receiver: a DingTalk custom robot (DINGTALK.md). */
export const dingtalkReceiverSchema = baseReceiverSchema
  .extend({
    type: z.literal('dingtalk'),
    /** DingTalk security keywords: one is added to the visible text when the message lacks them all. */
    keywords: keywordsSchema,
    msgType: z.enum(['markdown', 'text', 'actionCard']).default('markdown'),
    mentions: z
      .object({
        mobiles: z.array(z.string().regex(/^\+?[\d-]{5,20}$/, 'not a mobile number')).default([]),
        userIds: z.array(z.string().min(1)).default([]),
        atAll: z.boolean().default(false),
        /** Involved-object label whose value (comma separated) lists mobiles/user ids to mention. */
        fromLabel: fromLabelSchema,
      })
      .prefault({}),
    /** Messages per minute for this robot, fleet-wide (DingTalk allows 20). */
    ratePerMinute: rateLimit(20, 'DingTalk allows at most 20 messages per minute', 18),
    /** The button of an actionCard message (DingTalk requires one): e.g. a Grafana or runbook link. */
    actionCard: z
      .object({ title: z.string().min(1).default('查看详情'), url: z.url({ protocol: /^https?$/ }) })
      .optional(),
  })
  .refine((r) => r.msgType !== 'actionCard' || r.actionCard !== undefined, {
    message: 'msgType actionCard needs actionCard.url (DingTalk rejects an actionCard without a button)',
    path: ['actionCard'],
  });

/** A DingTalk receiver as validated, secrets removed. */
export type DingtalkReceiverConfig = ConfigOf<typeof dingtalkReceiverSchema>;

/** A DingTalk webhook: https (unless `insecureHttp`) and `?access_token=<token>`. */
export const validateDingtalkWebhook = webhookValidator('a DingTalk webhook', {
  ok: (url) => Boolean(url.searchParams.get('access_token')),
  problem: 'a DingTalk webhook needs ?access_token=<token>',
});
