import { z } from 'zod';
import { FEISHU_RATE_LIMIT_PER_MIN, FEISHU_RATE_LIMIT_PER_SEC } from '@kube-herald/feishu';
import { baseReceiverSchema, webhookValidator } from '../schema.js';
import { fromLabelSchema, keywordsSchema, rateLimit } from '../fields.js';
import type { ConfigOf } from '../schema.js';

const HOOK_PATH = /^\/open-apis\/bot\/v2\/hook\/[\w-]+$/;

/** A `type: feishu` receiver: a Feishu / Lark custom bot (docs/receivers.md). */
export const feishuReceiverSchema = baseReceiverSchema.extend({
  type: z.literal('feishu'),
  /** `interactive` (a card with a coloured header), `post` (rich text) or `text`. */
  msgType: z.enum(['interactive', 'post', 'text']).default('interactive'),
  /** The bot's custom keywords: the first is added to the text when the message lacks them all (else 19024). */
  keywords: keywordsSchema,
  mentions: z
    .object({
      /** open_id (`ou_…`) or user_id of the people to mention. */
      userIds: z.array(z.string().regex(/^[\w.-]{1,128}$/, 'not a Feishu user id')).default([]),
      atAll: z.boolean().default(false),
      /** Involved-object label whose value (comma separated) lists user ids to mention. */
      fromLabel: fromLabelSchema,
    })
    .prefault({}),
  /** Messages per minute for this bot, fleet-wide (Feishu allows 100). */
  ratePerMinute: rateLimit(FEISHU_RATE_LIMIT_PER_MIN, 'Feishu allows at most 100 messages per minute', 90),
  /** Messages per second for this bot, fleet-wide (Feishu allows 5). */
  ratePerSecond: rateLimit(FEISHU_RATE_LIMIT_PER_SEC, 'Feishu allows at most 5 messages per second', 4),
});

/** A Feishu receiver as validated, secrets removed. */
export type FeishuReceiverConfig = ConfigOf<typeof feishuReceiverSchema>;

/** A Feishu / Lark webhook: https (unless `insecureHttp`) and `/open-apis/bot/v2/hook/<token>`. */
export const validateFeishuWebhook = webhookValidator('a Feishu webhook', {
  ok: (url) => HOOK_PATH.test(url.pathname),
  problem: 'a Feishu webhook is …/open-apis/bot/v2/hook/<token>',
});
