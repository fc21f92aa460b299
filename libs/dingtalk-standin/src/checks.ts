import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RecordedAt, StandinRobot } from './types.js';

/** A DingTalk answer: always HTTP 200 with this JSON. */
export interface Answer {
  readonly errcode: number;
  readonly errmsg: string;
}

/** The body limit DingTalk enforces on the whole JSON (UTF-8 bytes). */
export const BODY_LIMIT_BYTES = 20_000;
const SIGN_WINDOW_MS = 60 * 60 * 1000;
const MSGTYPES = new Set(['text', 'markdown', 'link', 'actionCard', 'feedCard']);

/** Errmsgs as the real service words them. */
export const ANSWERS = {
  ok: { errcode: 0, errmsg: 'ok' },
  missingToken: { errcode: 40035, errmsg: '缺少参数 access_token' },
  badJson: { errcode: 40035, errmsg: '缺少参数 json' },
  notPost: { errcode: 43002, errmsg: '需要POST请求' },
  unknownToken: { errcode: 300001, errmsg: 'token is not exist' },
  invalidTimestamp: { errcode: 310000, errmsg: 'invalid timestamp' },
  signNotMatch: { errcode: 310000, errmsg: 'sign not match' },
  keywords: { errcode: 310000, errmsg: 'keywords not in content' },
  tooLong: { errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' },
  msgtype: { errcode: 400105, errmsg: '不支持的消息类型' },
  busy: { errcode: -1, errmsg: '系统繁忙' },
} as const satisfies Record<string, Answer>;

/** The throttle answer for the configured errcode. */
export function throttleAnswer(errcode: 130101 | 410100): Answer {
  return errcode === 130101
    ? { errcode, errmsg: 'send too fast, exceed 20 times per minute' }
    : { errcode, errmsg: '发送速度太快而限流' };
}

/** Checks `timestamp`/`sign` of a signed robot: 1-hour window, then HmacSHA256 (independent of the client). */
export function checkSignature(
  robot: StandinRobot,
  params: URLSearchParams,
  nowMs: number,
): Answer | undefined {
  if (robot.secret === undefined) return undefined;
  const tsRaw = params.get('timestamp') ?? '';
  const ts = /^\d{1,16}$/.test(tsRaw) ? Number(tsRaw) : NaN;
  if (!Number.isFinite(ts) || Math.abs(nowMs - ts) > SIGN_WINDOW_MS) return ANSWERS.invalidTimestamp;
  const expected = Buffer.from(
    createHmac('sha256', robot.secret).update(`${tsRaw}\n${robot.secret}`).digest('base64'),
  );
  const got = Buffer.from(params.get('sign') ?? '');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return ANSWERS.signNotMatch;
  return undefined;
}

/** IP allowlist check on the peer address (IPv4-mapped IPv6 normalised). */
export function checkIp(robot: StandinRobot, remote: string | undefined): Answer | undefined {
  if (robot.ipAllowlist === undefined) return undefined;
  const ip = (remote ?? '').replace(/^::ffff:/, '');
  if (robot.ipAllowlist.includes(ip)) return undefined;
  return { errcode: 310000, errmsg: `ip ${ip} not in whitelist` };
}

/** A body that passed parsing: its visible parts. */
export interface ParsedMessage {
  readonly msgtype: string;
  readonly title?: string;
  readonly text: string;
  readonly at: RecordedAt;
  readonly body: Record<string, unknown>;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function missing(field: string): Answer {
  return { errcode: 400402, errmsg: `参数 ${field} 缺失，或者参数格式不正确` };
}

function parseAt(body: Record<string, unknown>): RecordedAt {
  const at = rec(body['at']) ?? {};
  return {
    atMobiles: strings(at['atMobiles']),
    atUserIds: strings(at['atUserIds']),
    isAtAll: at['isAtAll'] === true,
  };
}

function visibleParts(
  msgtype: string,
  body: Record<string, unknown>,
): Answer | { title?: string; text: string } {
  const part = rec(body[msgtype]);
  if (part === undefined) return missing(msgtype);
  if (msgtype === 'text') {
    const content = str(part['content']);
    return content === undefined ? missing('text --> content') : { text: content };
  }
  if (msgtype === 'feedCard') {
    const links = Array.isArray(part['links']) ? part['links'] : undefined;
    if (links === undefined) return missing('feedCard --> links');
    return { text: links.map((l) => str(rec(l)?.['title']) ?? '').join('\n') };
  }
  const title = str(part['title']);
  const text = str(part['text']);
  if (title === undefined) return missing(`${msgtype} --> title`);
  if (text === undefined) return missing(`${msgtype} --> text`);
  return { title, text };
}

/** Size, JSON and msgtype checks; returns the parsed message or the answer to give. */
export function parseBody(raw: Buffer): Answer | ParsedMessage {
  if (raw.length > BODY_LIMIT_BYTES) return ANSWERS.tooLong;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return ANSWERS.badJson; // the real service words a bad body as a missing one
  }
  const body = rec(parsed);
  if (body === undefined) return ANSWERS.badJson;
  const msgtype = str(body['msgtype']);
  if (msgtype === undefined || !MSGTYPES.has(msgtype)) return ANSWERS.msgtype;
  const parts = visibleParts(msgtype, body);
  if ('errcode' in parts) return parts;
  return { msgtype, ...parts, at: parseAt(body), body };
}

/** Keyword check over the visible text (title included). */
export function checkKeywords(robot: StandinRobot, msg: ParsedMessage): Answer | undefined {
  if (robot.keywords === undefined || robot.keywords.length === 0) return undefined;
  const visible = `${msg.title ?? ''}\n${msg.text}`;
  return robot.keywords.some((k) => visible.includes(k)) ? undefined : ANSWERS.keywords;
}
