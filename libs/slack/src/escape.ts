import { SlackError } from './errors.js';

/**
 * Escapes text for Slack's mrkdwn and plain_text: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;` (Slack's
 * three control characters). Afterwards the text cannot open a `<…>` sequence, so it cannot mention
 * (`<!channel>`, `<!here>`, `<@U…>`, `<!subteam^…>`) nor link (`<https://…|label>`).
 */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const GROUP_ID = /^S[A-Z0-9]{2,20}$/;

/** True for a Slack user id (`U…`/`W…`). */
export function isUserId(id: string): boolean {
  return USER_ID.test(id);
}

/** True for a Slack user-group id (`S…`). */
export function isUserGroupId(id: string): boolean {
  return GROUP_ID.test(id);
}

/**
 * The mention of a user (`<@U024BE7LH>`) or a user group (`<!subteam^S0614TZR7>`) by id. Only ids from
 * configuration go here, never event text.
 * @throws SlackError `slack_invalid_mention` when `id` is neither.
 */
export function mention(id: string): string {
  if (isUserId(id)) return `<@${id}>`;
  if (isUserGroupId(id)) return `<!subteam^${id}>`;
  throw new SlackError(
    'slack_invalid_mention',
    `not a Slack user or user-group id: ${escapeMrkdwn(id.slice(0, 40))}`,
  );
}
