import { classifyAttempt, parseCodeAnswer } from '@kube-herald/webhook-http';
import type { AnswerRules, CommonCode, CodeClassification, SendResult } from '@kube-herald/webhook-http';

/** What came back from one send attempt, before interpretation. */
export type { SendResult } from '@kube-herald/webhook-http';

/** What to do about an attempt: done, retry with backoff, hold the robot back, or give up. */
export type { Verdict } from '@kube-herald/webhook-http';

/** Stable codes of {@link Classification.code}; usable as metric labels. */
export type ClassificationCode =
  | CommonCode
  | 'system_busy'
  | 'security_keyword'
  | 'security_sign'
  | 'security_timestamp'
  | 'security_ip'
  | 'security_check'
  | 'token_invalid'
  | 'group_dissolved'
  | 'robot_disabled'
  | 'unsupported_msgtype'
  | 'robot_not_in_group'
  | 'content_rejected'
  | 'body_too_long'
  | 'missing_parameter'
  | 'method_not_post'
  | 'quota_exhausted'
  | 'unknown_errcode';

/**
 * The interpretation of a {@link SendResult}; `detail` is the network error code for `network_error`. An
 * `ambiguous` outcome may deliver the message twice on retry: DingTalk has no idempotency key.
 */
export type Classification = CodeClassification<ClassificationCode>;

type Rule = readonly [ClassificationCode, string?];

const PERMANENT: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [300001, ['token_invalid', 'access_token does not exist: check the webhook']],
  [300005, ['token_invalid', 'access_token does not exist (external group): check the webhook']],
  [400101, ['token_invalid', 'access_token does not exist: check the webhook']],
  [400013, ['group_dissolved', 'the group was dissolved: configure another robot']],
  [400102, ['robot_disabled', 'the robot is disabled: re-enable it in the group settings']],
  [400105, ['unsupported_msgtype', 'unsupported msgtype: a bug in message rendering']],
  [400106, ['robot_not_in_group', 'the robot is no longer in the group']],
  [460101, ['body_too_long', 'body exceeds 20000 bytes: the message must be shrunk']],
  [101002, ['body_too_long', 'body exceeds 20000 bytes: the message must be shrunk']],
  [40035, ['missing_parameter', 'a required parameter (access_token or JSON body) is missing']],
  [400402, ['missing_parameter', 'a required message field is missing: a bug in message rendering']],
  [43002, ['method_not_post', 'the request must be a POST']],
  [90030, ['quota_exhausted', 'the robot monthly quota is exhausted']],
]);

const THROTTLE_ERRCODES: ReadonlySet<number> = new Set([130101, 410100]);

function isThrottleText(errmsg: string): boolean {
  return /too fast/i.test(errmsg) || errmsg.includes('限流');
}

/** 310000 covers four security checks; only errmsg tells them apart. */
function classifySecurity(errmsg: string): Rule {
  const m = errmsg.toLowerCase();
  if (m.includes('keyword')) return ['security_keyword', 'a configured keyword must appear in the message'];
  if (m.includes('timestamp')) {
    return ['security_timestamp', 'timestamp outside the 1-hour window: fix the host clock (NTP)'];
  }
  if (m.includes('sign')) return ['security_sign', 'signature mismatch: check the signing secret'];
  if (/\bip\b/.test(m) || m.includes('whitelist') || m.includes('allowlist')) {
    return ['security_ip', "the sender's IP is not in the robot's allowlist"];
  }
  return ['security_check', 'a robot security check (keyword, signature, IP) failed'];
}

function classifyErrcode(errcode: number, errmsg: string): Classification {
  const base = { errcode, errmsg };
  if (errcode === 0) return { verdict: 'ok', code: 'ok', ...base };
  if (THROTTLE_ERRCODES.has(errcode) || isThrottleText(errmsg)) {
    return { verdict: 'throttle', code: 'throttled', hint: 'robot throttled: wait at least 60 s', ...base };
  }
  if (errcode === -1) return { verdict: 'retry', code: 'system_busy', ...base };
  let rule = PERMANENT.get(errcode);
  if (errcode === 310000) rule = classifySecurity(errmsg);
  else if (errcode >= 430101 && errcode <= 430104) {
    rule = ['content_rejected', 'content moderation rejected the message'];
  }
  // Unknown non-zero errcodes are permanent: every transient class DingTalk documents (-1, throttling)
  // is handled above, and blind retries of an unknown rejection would burn the robot's 20/min budget
  // and hide the failure; the errcode is kept for logs and metrics so a new code is seen at once.
  rule ??= ['unknown_errcode', `unknown errcode ${errcode}`];
  return {
    verdict: 'permanent',
    code: rule[0],
    ...(rule[1] === undefined ? {} : { hint: rule[1] }),
    ...base,
  };
}

const RULES: AnswerRules<Classification> = {
  platform: 'DingTalk',
  codeField: 'errcode',
  parse: (body) => parseCodeAnswer(body, ['errcode'], ['errmsg']),
  classify: (a) => classifyErrcode(a.errcode, a.errmsg),
};

/**
 * Pure classification of one attempt. An HTTP 200 is not success: only `errcode == 0` is.
 * Throttle: 130101, 410100, or errmsg containing "too fast"/"限流". Retry: -1, HTTP 5xx, network
 * errors, timeouts (the message may still have been delivered) and unparsable answers. Everything
 * else non-zero is permanent, with a `hint` for operators.
 */
export function classify(result: SendResult): Classification {
  return classifyAttempt(result, RULES);
}
