import { z } from 'zod';
import { isUserGroupId, isUserId } from '@kube-herald/slack';
import { baseReceiverSchema, webhookValidator } from '../schema.js';
import { hasNoSigningSecret, rateLimit } from '../fields.js';
import type { ConfigOf } from '../schema.js';

/** A `type: slack` receiver: a Slack incoming webhook (`https://hooks.slack.com/services/T…/B…/…`). */
export const slackReceiverSchema = baseReceiverSchema
  .extend({
    type: z.literal('slack'),
    /** `blocks`: header, sections and a context block, with a mrkdwn `text` fallback; `text`: mrkdwn only. */
    format: z.enum(['blocks', 'text']).default('blocks'),
    locale: z.enum(['zh-CN', 'en']).default('en'),
    timeZone: baseReceiverSchema.shape.timeZone.unwrap().default('UTC'),
    /** Who is mentioned in every message: ids from configuration only, never from event text. */
    mentions: z
      .object({
        users: z.array(z.string().refine(isUserId, 'not a Slack user id (U… or W…)')).default([]),
        groups: z.array(z.string().refine(isUserGroupId, 'not a Slack user-group id (S…)')).default([]),
        /** `<!here>`: everyone active in the channel. */
        here: z.boolean().default(false),
        fromLabel: z
          .undefined({
            error: 'Slack mentions come from configuration only (user and group ids), not from labels',
          })
          .optional(),
      })
      .prefault({}),
    /** Messages per minute for this webhook, fleet-wide; besides it, at most 1 per second. */
    ratePerMinute: rateLimit(60, 'Slack allows about one message per second per webhook', 50),
  })
  .refine(hasNoSigningSecret, {
    message: 'a Slack incoming webhook has no signing secret: the webhook URL is the only secret',
    path: ['secret'],
  });

/** A Slack receiver as validated, secrets removed. */
export type SlackReceiverConfig = ConfigOf<typeof slackReceiverSchema>;

/** A Slack webhook: https (unless `insecureHttp`) and a `/services/<team>/<hook>/<secret>` path. */
export const validateSlackWebhook = webhookValidator('a Slack webhook', {
  ok: (url) => /^\/services\/[^/]+\/[^/]+\/[^/]+\/?$/.test(url.pathname),
  problem: 'a Slack incoming webhook is https://hooks.slack.com/services/T…/B…/… (copy the whole URL)',
});
