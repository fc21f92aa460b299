import { WecomError } from './errors.js';
import { MARKDOWN_MAX_BYTES, TEXT_MAX_BYTES, TRUNCATED_MARKER, truncateBytes, utf8Bytes } from './limits.js';

/** Plain text; mentions by user id (`mentioned_list`) or mobile (`mentioned_mobile_list`), `@all` in either. */
export interface WecomTextMessage {
  readonly msgtype: 'text';
  readonly text: {
    readonly content: string;
    readonly mentioned_list?: readonly string[];
    readonly mentioned_mobile_list?: readonly string[];
  };
}

/** WeCom's markdown subset; mentions only as `<@userid>` inside the content. */
export interface WecomMarkdownMessage {
  readonly msgtype: 'markdown';
  readonly markdown: { readonly content: string };
}

/** Any message body this library builds. */
export type WecomMessage = WecomTextMessage | WecomMarkdownMessage;

/** The `msgtype` values the builders produce. */
export const WECOM_MSGTYPES = ['text', 'markdown'] as const;

/** A WeCom user id usable in `<@userid>`: letters, digits, `_ - . @`, at most 64 characters. */
export const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

/** A mobile number for `mentioned_mobile_list`. */
export const MOBILE = /^\+?[\d-]{5,20}$/;

function check(values: readonly string[], pattern: RegExp, what: string): void {
  for (const v of values) {
    if (v !== '@all' && !pattern.test(v)) {
      throw new WecomError('wecom_invalid_body', `${what}: ${JSON.stringify(v.slice(0, 80))} is not valid`);
    }
  }
}

/** Input of {@link textMessage}. */
export interface TextInput {
  readonly content: string;
  readonly mentionedList?: readonly string[];
  readonly mentionedMobileList?: readonly string[];
  /** Ends a cut content; default {@link TRUNCATED_MARKER}. */
  readonly marker?: string;
}

/**
 * A text message whose content fits {@link TEXT_MAX_BYTES} UTF-8 bytes (cut on a character boundary
 * with a visible marker). @throws WecomError `wecom_invalid_body` for a malformed user id or mobile.
 */
export function textMessage(input: TextInput): WecomTextMessage {
  const users = input.mentionedList ?? [];
  const mobiles = input.mentionedMobileList ?? [];
  check(users, USER_ID, 'mentioned_list');
  check(mobiles, MOBILE, 'mentioned_mobile_list');
  return {
    msgtype: 'text',
    text: {
      content: truncateBytes(input.content, TEXT_MAX_BYTES, input.marker ?? TRUNCATED_MARKER),
      ...(users.length ? { mentioned_list: [...users] } : {}),
      ...(mobiles.length ? { mentioned_mobile_list: [...mobiles] } : {}),
    },
  };
}

/** Input of {@link markdownMessage}. */
export interface MarkdownInput {
  readonly content: string;
  /** User ids mentioned as `<@userid>` on a last line (kept whole when the content is cut). */
  readonly mentionUserIds?: readonly string[];
  readonly marker?: string;
}

/**
 * A markdown message whose content (mentions included) fits {@link MARKDOWN_MAX_BYTES} UTF-8 bytes: the
 * text part is cut on a character boundary with a visible marker, the `<@userid>` line is kept whole.
 * @throws WecomError `wecom_invalid_body` for a malformed user id or a mention line over the limit.
 */
export function markdownMessage(input: MarkdownInput): WecomMarkdownMessage {
  const ids = input.mentionUserIds ?? [];
  check(ids, USER_ID, 'mentionUserIds');
  const line = ids.map((id) => `<@${id}>`).join(' ');
  const tail = line ? `\n\n${line}` : '';
  const budget = MARKDOWN_MAX_BYTES - utf8Bytes(tail);
  if (budget < 64) throw new WecomError('wecom_invalid_body', 'too many mentions for one message');
  const content = truncateBytes(input.content, budget, input.marker ?? TRUNCATED_MARKER) + tail;
  return { msgtype: 'markdown', markdown: { content } };
}

/** The content of a message and its limit in UTF-8 bytes. */
export function contentOf(msg: WecomMessage): { content: string; limit: number } {
  return msg.msgtype === 'text'
    ? { content: msg.text.content, limit: TEXT_MAX_BYTES }
    : { content: msg.markdown.content, limit: MARKDOWN_MAX_BYTES };
}
