import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RecordedMessage, StandinBot } from './types.js';

/** A Feishu answer: HTTP status plus JSON. */
export interface Answer {
  readonly status: number;
  readonly body: { readonly code: number; readonly msg: string; readonly [k: string]: unknown };
}

const SIGN_WINDOW_SECONDS = 3600;

const err = (code: number, msg: string, status = 200): Answer => ({ status, body: { code, data: {}, msg } });

/** Answers as the real service words them (custom-bot guide and answers reported by users). */
export const ANSWERS = {
  ok: {
    status: 200,
    body: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' },
  } satisfies Answer,
  unknownToken: err(19001, 'param invalid: incoming webhook access token invalid'),
  sign: err(19021, 'sign match fail or timestamp is not within one hour from current time'),
  ip: err(19022, 'Ip Not Allowed'),
  keywords: err(19024, 'Key Words Not Found'),
  badRequest: err(9499, 'Bad Request', 400),
  tooLarge: err(19036, 'request body too large'),
  throttled: err(11232, 'frequency limited'),
  notPost: err(9499, 'Bad Request', 405),
} as const;

/** Checks `timestamp`/`sign` in the body of a signing bot: 1-hour window (seconds), then the HMAC. */
export function checkSignature(
  bot: StandinBot,
  body: Record<string, unknown>,
  nowMs: number,
): Answer | undefined {
  if (bot.secret === undefined) return undefined;
  const tsRaw = body['timestamp'];
  const tsText = typeof tsRaw === 'number' ? String(tsRaw) : typeof tsRaw === 'string' ? tsRaw : '';
  if (!/^\d{1,12}$/.test(tsText)) return ANSWERS.sign;
  if (Math.abs(nowMs / 1000 - Number(tsText)) > SIGN_WINDOW_SECONDS) return ANSWERS.sign;
  // Independent of the client: key = `${timestamp}\n${secret}`, empty message, base64.
  const expected = Buffer.from(createHmac('sha256', `${tsText}\n${bot.secret}`).update('').digest('base64'));
  const got = Buffer.from(typeof body['sign'] === 'string' ? body['sign'] : '');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return ANSWERS.sign;
  return undefined;
}

/** IP allowlist check on the peer address (IPv4-mapped IPv6 normalised). */
export function checkIp(bot: StandinBot, remote: string | undefined): Answer | undefined {
  if (bot.ipAllowlist === undefined) return undefined;
  const ip = (remote ?? '').replace(/^::ffff:/, '');
  return bot.ipAllowlist.includes(ip) ? undefined : ANSWERS.ip;
}

/** Keyword check over every visible text (titles included). */
export function checkKeywords(bot: StandinBot, msg: ParsedMessage): Answer | undefined {
  if (bot.keywords === undefined || bot.keywords.length === 0) return undefined;
  const visible = `${msg.title ?? ''}\n${msg.text}`;
  return bot.keywords.some((k) => visible.includes(k)) ? undefined : ANSWERS.keywords;
}

/** The visible parts of a valid body. */
export type ParsedMessage = Pick<RecordedMessage, 'msgType' | 'title' | 'text' | 'mentions' | 'links'>;

const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const TEXT_AT = /<at\s+user_id\s*=\s*"?([^"\s>]+)"?[^>]*>/g;
const CARD_AT = /<at\s+(?:id|user_id|email)\s*=\s*"?([^"\s>]+)"?[^>]*>/g;
const MD_LINK = /(?<!\\)\[[^\]]*(?<!\\)\]\(([^)\s]+)\)/g;

const all = (re: RegExp, s: string): string[] => [...s.matchAll(re)].map((m) => m[1] ?? '');

function parseText(content: Record<string, unknown>): ParsedMessage | undefined {
  const text = str(content['text']);
  if (text === undefined) return undefined;
  return { msgType: 'text', text, mentions: all(TEXT_AT, text), links: [] };
}

function parsePost(content: Record<string, unknown>): ParsedMessage | undefined {
  const post = rec(content['post']);
  const langs = post === undefined ? [] : Object.values(post).map(rec);
  const first = langs[0];
  const lines = first?.['content'];
  if (first === undefined || !Array.isArray(lines)) return undefined;
  const texts: string[] = [];
  const mentions: string[] = [];
  const links: string[] = [];
  for (const line of lines) {
    if (!Array.isArray(line)) return undefined;
    for (const el of line.map(rec)) {
      const tag = str(el?.['tag']);
      if (tag === 'text' || tag === 'a') texts.push(str(el?.['text']) ?? '');
      if (tag === 'a') links.push(str(el?.['href']) ?? '');
      if (tag === 'at') mentions.push(str(el?.['user_id']) ?? '');
    }
  }
  const title = str(first['title']) ?? '';
  return { msgType: 'post', title, text: texts.join('\n'), mentions, links };
}

function cardTexts(v: unknown, out: string[]): void {
  if (Array.isArray(v)) for (const x of v) cardTexts(x, out);
  const o = rec(v);
  if (o === undefined) return;
  if (typeof o['content'] === 'string') out.push(o['content']);
  for (const [k, x] of Object.entries(o)) if (k !== 'content' && typeof x === 'object') cardTexts(x, out);
}

function parseCard(body: Record<string, unknown>): ParsedMessage | undefined {
  const card = rec(body['card']);
  const elements = card?.['elements'];
  if (card === undefined || !Array.isArray(elements)) return undefined;
  const title = str(rec(rec(card['header'])?.['title'])?.['content']) ?? '';
  const texts: string[] = [];
  cardTexts(elements, texts);
  const text = texts.join('\n');
  return { msgType: 'interactive', title, text, mentions: all(CARD_AT, text), links: all(MD_LINK, text) };
}

/** JSON check of a hook body: the parsed object, or 9499 as Feishu answers a malformed one. */
export function parseJson(
  raw: Buffer,
): { readonly json: Record<string, unknown> } | { readonly answer: Answer } {
  try {
    const json = rec(JSON.parse(raw.toString('utf8')));
    return json === undefined ? { answer: ANSWERS.badRequest } : { json };
  } catch {
    return { answer: ANSWERS.badRequest };
  }
}

/** The message of a parsed body by its `msg_type`, or 9499. */
export function parseMessage(body: Record<string, unknown>): ParsedMessage | Answer {
  const content = rec(body['content']);
  let parsed: ParsedMessage | undefined;
  switch (body['msg_type']) {
    case 'text':
      parsed = content && parseText(content);
      break;
    case 'post':
      parsed = content && parsePost(content);
      break;
    case 'interactive':
      parsed = parseCard(body);
      break;
  }
  return parsed ?? ANSWERS.badRequest;
}
