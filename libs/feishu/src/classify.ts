import { classifyAttempt, parseCodeAnswer } from '@kube-herald/webhook-http';
import type { AnswerRules, CommonCode, CodeClassification, SendResult } from '@kube-herald/webhook-http';
/** What came back from one send attempt, before interpretation. */
export type { SendResult } from '@kube-herald/webhook-http';

/** What to do about an attempt: done, retry with backoff, hold the bot back, or give up. */
export type { Verdict } from '@kube-herald/webhook-http';

/** Stable codes of {@link Classification.code}; usable as metric labels. */
export type ClassificationCode =
  | CommonCode
  | 'security_sign'
  | 'security_ip'
  | 'security_keyword'
  | 'token_invalid'
  | 'bad_request'
  | 'body_too_long'
  | 'unknown_code';

/** The interpretation of a {@link SendResult}; `errcode` and `errmsg` are Feishu's `code` and `msg`. */
export type Classification = CodeClassification<ClassificationCode>;

type Rule = readonly [ClassificationCode, string];

// Codes of the custom-bot guide (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot) and of answers
// reported by its users; sources in docs/receivers.md.
const PERMANENT: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [
    19021,
    [
      'security_sign',
      'sign match fail or timestamp not within one hour: check the signing secret and the host clock (NTP)',
    ],
  ],
  [19022, ['security_ip', "the sender's IP is not in the bot's IP allowlist"]],
  [19024, ['security_keyword', 'a configured keyword must appear in the message (Key Words Not Found)']],
  [19001, ['token_invalid', 'the webhook token is invalid (bot removed or URL wrong): check the webhook']],
  [
    9499,
    [
      'bad_request',
      'Bad Request: the body does not match the message format (a rendering bug) or a field is wrong',
    ],
  ],
  [19036, ['body_too_long', 'the body is too large: the message must be shrunk']],
]);

/** Feishu's frequency-limit code for custom bots (100/min, 5/s per bot). */
const THROTTLE_CODES: ReadonlySet<number> = new Set([11232]);

function isThrottleText(msg: string): boolean {
  // 9499 has also been seen with "too many request": the message decides before the code.
  return /frequency limit|rate limit|too many request/i.test(msg) || msg.includes('限流');
}

function classifyCode(errcode: number, errmsg: string): Classification {
  const base = { errcode, errmsg };
  if (errcode === 0) return { verdict: 'ok', code: 'ok', ...base };
  if (THROTTLE_CODES.has(errcode) || isThrottleText(errmsg)) {
    return {
      verdict: 'throttle',
      code: 'throttled',
      hint: 'bot frequency limit (100/min, 5/s): wait',
      ...base,
    };
  }
  // Unknown non-zero codes are permanent: the transient classes Feishu documents (frequency limit, server
  // errors) are handled above; blind retries would burn the bot's budget and hide a new rejection, whose
  // code is kept for logs and metrics.
  const rule = PERMANENT.get(errcode) ?? ['unknown_code', `unknown Feishu code ${errcode}: ${errmsg}`.trim()];
  return { verdict: 'permanent', code: rule[0], hint: rule[1], ...base };
}

const RULES: AnswerRules<Classification> = {
  platform: 'Feishu',
  codeField: 'code',
  parse: (body) => parseCodeAnswer(body, ['code', 'StatusCode'], ['msg', 'StatusMessage']),
  classify: (a) => classifyCode(a.errcode, a.errmsg),
};

/**
 * Pure classification of one attempt: only `code == 0` is success. Throttle: 11232, a frequency-limit
 * message, HTTP 429. Retry: HTTP 5xx/408, network errors, timeouts (the message may still have been
 * delivered) and unparsable 200 answers. Permanent with a hint: 19021 (sign/timestamp), 19022 (IP),
 * 19024 (keyword), 19001 (token), 9499 (bad request), 19036 (too large), any other code.
 */
export function classify(result: SendResult): Classification {
  return classifyAttempt(result, RULES);
}
