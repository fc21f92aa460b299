import { z } from 'zod';
import { MOBILE, USER_ID, WECOM_RATE_LIMIT_PER_MIN } from '@kube-herald/wecom';
import { baseReceiverSchema, webhookValidator } from '../schema.js';
import { fromLabelSchema, hasNoSigningSecret, rateLimit } from '../fields.js';
import type { ConfigOf } from '../schema.js';

/** A `type: wecom` receiver: a WeCom (企业微信) group robot (`…/cgi-bin/webhook/send?key=<key>`). */
export const wecomReceiverSchema = baseReceiverSchema
  .extend({
    type: z.literal('wecom'),
    /** `markdown` (≤ 4,096 bytes, mentions as `<@userid>`) or `text` (≤ 2,048 bytes, mention lists). */
    msgType: z.enum(['markdown', 'text']).default('markdown'),
    mentions: z
      .object({
        /** WeCom user ids: `<@userid>` in markdown, `mentioned_list` in text. */
        userIds: z.array(z.string().regex(USER_ID, 'not a WeCom user id')).default([]),
        /** Mobiles (`mentioned_mobile_list`): text messages only. */
        mobiles: z.array(z.string().regex(MOBILE, 'not a mobile number')).default([]),
        /** `@all` (in `mentioned_list`): text messages only. */
        atAll: z.boolean().default(false),
        /** Involved-object label whose value (comma separated) lists user ids (and mobiles, text only). */
        fromLabel: fromLabelSchema,
      })
      .prefault({}),
    /** Messages per minute for this robot, fleet-wide (WeCom allows 20: errcode 45009 past it). */
    ratePerMinute: rateLimit(
      WECOM_RATE_LIMIT_PER_MIN,
      'WeCom allows at most 20 messages per minute per robot',
      18,
    ),
  })
  .refine(hasNoSigningSecret, {
    message: 'a WeCom group robot has no signing secret: the key in the webhook is the only secret',
    path: ['secret'],
  })
  .refine((r) => r.msgType === 'text' || (r.mentions.mobiles.length === 0 && !r.mentions.atAll), {
    message: 'WeCom markdown can mention user ids only (<@userid>): mobiles and atAll need msgType: text',
    path: ['mentions'],
  });

/** A WeCom receiver as validated, secrets removed. */
export type WecomReceiverConfig = ConfigOf<typeof wecomReceiverSchema>;

/** A WeCom webhook: https (unless `insecureHttp`) and `?key=<key>`. */
export const validateWecomWebhook = webhookValidator('a WeCom webhook', {
  ok: (url) => Boolean(url.searchParams.get('key')),
  problem: 'a WeCom group-robot webhook is https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>',
});
