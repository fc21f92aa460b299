import { classifyAttempt, parseCodeAnswer } from '@kube-herald/webhook-http';
import type {
  AnswerRules,
  CommonCode,
  CodeAnswer,
  CodeClassification,
  SendResult,
} from '@kube-herald/webhook-http';

/** What came back from one send attempt, before interpretation. */
export type { SendResult } from '@kube-herald/webhook-http';

/** What to do about an attempt: done, retry with backoff, hold the robot back, or give up. */
export type { Verdict } from '@kube-herald/webhook-http';

/** Stable codes of {@link Classification.code}; usable as metric labels. */
export type ClassificationCode =
  | CommonCode
  | 'system_busy'
  | 'webhook_invalid'
  | 'webhook_rejected'
  | 'unsupported_msgtype'
  | 'empty_content'
  | 'body_too_long'
  | 'invalid_parameter'
  | 'unknown_errcode';

/**
 * The interpretation of a {@link SendResult}; `errmsg` is WeCom's, cut before its `hint: [...]`/`more info`
 * tail (which names the caller's IP).
 */
export type Classification = CodeClassification<ClassificationCode>;

type Rule = readonly [ClassificationCode, string];

const BODY_TOO_LONG: Rule = [
  'body_too_long',
  'content over the size limit (text 2,048 / markdown 4,096 bytes): a bug in message rendering',
];

const PERMANENT: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [
    93000,
    ['webhook_invalid', 'invalid webhook: the robot key is wrong or the robot was removed from the group'],
  ],
  [40008, ['unsupported_msgtype', 'unsupported msgtype: a bug in message rendering']],
  [44004, ['empty_content', 'empty content: a bug in message rendering']],
  [45002, BODY_TOO_LONG],
]);

const THROTTLE_ERRCODES: ReadonlySet<number> = new Set([45009]);

/** WeCom appends `, hint: [...], from ip: ..., more info at ...` to errmsg; keep the meaning only. */
export function shortErrmsg(errmsg: string): string {
  const cut = errmsg.search(/,?\s*(hint:|from ip:|more info at)/i);
  return (cut === -1 ? errmsg : errmsg.slice(0, cut)).slice(0, 200);
}

function parseErr(body: string): CodeAnswer | undefined {
  const a = parseCodeAnswer(body, ['errcode'], ['errmsg']);
  return a && { errcode: a.errcode, errmsg: shortErrmsg(a.errmsg) };
}

function permanentRule(errcode: number, errmsg: string): Rule {
  const rule = PERMANENT.get(errcode);
  if (/exceed max length/i.test(errmsg)) return BODY_TOO_LONG;
  if (rule) return rule;
  if (errcode >= 93000 && errcode <= 93999) {
    return [
      'webhook_rejected',
      `the robot rejected the request (${errcode}): check the robot in the group settings`,
    ];
  }
  if (errcode >= 40000 && errcode <= 41999) {
    return ['invalid_parameter', `invalid key or parameter (${errcode}): check the webhook and the message`];
  }
  return ['unknown_errcode', `unknown errcode ${errcode}`];
}

function classifyErrcode(errcode: number, errmsg: string): Classification {
  const base = { errcode, errmsg };
  if (errcode === 0) return { verdict: 'ok', code: 'ok', ...base };
  if (THROTTLE_ERRCODES.has(errcode) || /freq out of limit/i.test(errmsg)) {
    return { verdict: 'throttle', code: 'throttled', hint: 'robot over 20 messages per minute', ...base };
  }
  if (errcode === -1) return { verdict: 'retry', code: 'system_busy', ...base };
  // Unknown non-zero errcodes are permanent: WeCom's transient classes (-1, 45009) are handled above,
  // and blind retries would burn the robot's 20/min budget; the errcode stays in logs and metrics.
  const [code, hint] = permanentRule(errcode, errmsg);
  return { verdict: 'permanent', code, hint, ...base };
}

const RULES: AnswerRules<Classification> = {
  platform: 'WeCom',
  codeField: 'errcode',
  parse: parseErr,
  classify: (a) => classifyErrcode(a.errcode, a.errmsg),
};

/**
 * Pure classification of one attempt. HTTP 200 is not success: only `errcode == 0` is. Throttle: 45009
 * (`api freq out of limit`) and HTTP 429. Retry: -1 (system busy), HTTP 5xx/408, network errors, timeouts
 * (may have been delivered) and unparsable answers. Permanent: 93000 (invalid webhook) and other 93xxx,
 * 40xxx/41xxx (key or parameters), 40008, 44004, `exceed max length` (40058) / 45002 and any unknown errcode, each with a `hint`.
 */
export function classify(result: SendResult): Classification {
  return classifyAttempt(result, RULES);
}
