import type { FixTable } from '../fixes.js';

const NEW_HOOK = (r: string): string =>
  `create a new incoming webhook for the channel (Slack app → Incoming Webhooks) and put its whole URL in receivers[${r}].webhook/webhookFile`;

/** Slack incoming webhooks answer a word: the webhook URL is the only credential. */
export const SLACK_FIXES: FixTable = {
  no_service: (r) => `the webhook is disabled, removed or mistyped: ${NEW_HOOK(r)}`,
  invalid_token: (r) => `the webhook's token is invalid: ${NEW_HOOK(r)}`,
  team_disabled: () => 'the workspace of the webhook is disabled or gone: use a webhook of a live workspace',
  channel_not_found: (r) => `the channel was deleted: ${NEW_HOOK(r)}`,
  channel_is_archived: (r) => `unarchive the channel, or ${NEW_HOOK(r)}`,
  action_prohibited: () =>
    "a workspace admin restricts who may post to this channel: ask them to allow the app's webhook, or use another channel",
  posting_denied: () =>
    'an admin restricts posting to this channel (#general): ask them, or use a webhook for another channel',
  user_not_found: (r) =>
    `a user of receivers[${r}].mentions.users does not exist in the workspace: use member IDs (U…) of this workspace`,
  throttled: (r) =>
    `the webhook is over Slack's 1 message per second (counted for everything that posts to it): wait; lower receivers[${r}].ratePerMinute if other senders share the webhook`,
  http_status: (r) =>
    `the answer did not come from Slack: check receivers[${r}].webhook (the whole https://hooks.slack.com/services/… URL) and any proxy`,
};
