import { z } from 'zod';
import { baseReceiverSchema, checkHttpsUrl } from '../schema.js';
import type { ConfigOf } from '../schema.js';

/** A `type: dingtalk` receiver: a DingTalk custom robot (DINGTALK.md). */
export const dingtalkReceiverSchema = baseReceiverSchema
  .extend({
    type: z.literal('dingtalk'),
    /** DingTalk security keywords: one is added to the visible text when the message lacks them all. */
    keywords: z.array(z.string().min(1)).max(10).default([]),
    msgType: z.enum(['markdown', 'text', 'actionCard']).default('markdown'),
    mentions: z
      .object({
        mobiles: z.array(z.string().regex(/^\+?[\d-]{5,20}$/, 'not a mobile number')).default([]),
        userIds: z.array(z.string().min(1)).default([]),
        atAll: z.boolean().default(false),
        /** Involved-object label whose value (comma separated) lists mobiles/user ids to mention. */
        fromLabel: z.string().min(1).optional(),
      })
      .prefault({}),
    /** Messages per minute for this robot, fleet-wide (DingTalk allows 20). */
    ratePerMinute: z
      .number()
      .int()
      .positive()
      .max(20, 'DingTalk allows at most 20 messages per minute')
      .default(18),
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
export function validateDingtalkWebhook(webhook: string, insecureHttp: boolean): string[] {
  const problems: string[] = [];
  const url = checkHttpsUrl(webhook, insecureHttp, 'a DingTalk webhook', problems);
  if (url && !url.searchParams.get('access_token'))
    problems.push('a DingTalk webhook needs ?access_token=<token>');
  return problems;
}
