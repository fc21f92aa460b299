import type { WecomMessageContent } from './types.js';
/** A WeCom answer: HTTP 200 with this JSON. */
export interface Answer {
  readonly errcode: number;
  readonly errmsg: string;
}

/** Byte limits of the content (UTF-8), per msgtype. */
export const CONTENT_LIMITS = { text: 2048, markdown: 4096 } as const;

/** Bodies larger than this are not parsed at all (far above any content limit). */
export const BODY_CAP_BYTES = 64 * 1024;

function tail(code: number): string {
  // The real service appends a request hint, the caller's IP and a help link to every error.
  return `, hint: [standin], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${code}`;
}

/** Errmsgs as the real service words them (its tail included). */
export const ANSWERS = {
  ok: { errcode: 0, errmsg: 'ok' },
  notPost: { errcode: 43002, errmsg: `require POST method${tail(43002)}` },
  invalidKey: { errcode: 93000, errmsg: `invalid webhook url${tail(93000)}` },
  badJson: { errcode: 40035, errmsg: `Warning: wrong json format. invalid Request Parameter${tail(40035)}` },
  msgtype: { errcode: 40008, errmsg: `invalid message type${tail(40008)}` },
  empty: { errcode: 44004, errmsg: `empty content${tail(44004)}` },
  freq: { errcode: 45009, errmsg: `api freq out of limit${tail(45009)}` },
  busy: { errcode: -1, errmsg: 'system busy' },
} as const satisfies Record<string, Answer>;

/** `text.content exceed max length 2048` / `markdown.content exceed max length 4096`. */
export function tooLong(msgtype: keyof typeof CONTENT_LIMITS): Answer {
  const max = CONTENT_LIMITS[msgtype];
  return {
    errcode: 40058,
    errmsg: `${msgtype}.content exceed max length ${max}. invalid Request Parameter${tail(40058)}`,
  };
}

function invalidParam(field: string): Answer {
  return { errcode: 40058, errmsg: `${field} invalid. invalid Request Parameter${tail(40058)}` };
}

/** A body that passed parsing: what the group sees. */
export type ParsedMessage = WecomMessageContent;

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function stringList(v: unknown): string[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return undefined;
  return v;
}

/** `<@userid>` mentions inside a content (both text and markdown honour them). */
export function contentMentions(content: string): string[] {
  return [...content.matchAll(/<@([^<>\s]{1,64})>/g)].map((m) => m[1] ?? '');
}

/** JSON → msgtype → content present → content size → mention lists; the parsed message or the answer. */
export function parseBody(raw: Buffer): Answer | ParsedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return ANSWERS.badJson;
  }
  const body = rec(parsed);
  if (body === undefined) return ANSWERS.badJson;
  const msgtype = body['msgtype'];
  if (msgtype !== 'text' && msgtype !== 'markdown') return ANSWERS.msgtype;
  const part = rec(body[msgtype]);
  const content = part?.['content'];
  if (typeof content !== 'string' || content === '') return ANSWERS.empty;
  const contentBytes = Buffer.byteLength(content, 'utf8');
  if (contentBytes > CONTENT_LIMITS[msgtype]) return tooLong(msgtype);
  const users = msgtype === 'text' ? stringList(part?.['mentioned_list']) : [];
  const mobiles = msgtype === 'text' ? stringList(part?.['mentioned_mobile_list']) : [];
  if (users === undefined) return invalidParam('text.mentioned_list');
  if (mobiles === undefined) return invalidParam('text.mentioned_mobile_list');
  return {
    msgtype,
    content,
    contentBytes,
    mentionedList: [...users, ...contentMentions(content)],
    mentionedMobileList: mobiles,
    body,
  };
}
