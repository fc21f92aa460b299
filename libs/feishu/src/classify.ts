/** What came back from one send attempt, before interpretation. */
export type SendResult =
  | { readonly kind: 'http'; readonly status: number; readonly body: string }
  | { readonly kind: 'network'; readonly code: string }
  | { readonly kind: 'timeout' };

/** What to do about an attempt: done, retry with backoff, hold the bot back, or give up. */
export type Verdict = 'ok' | 'retry' | 'throttle' | 'permanent';

/** Stable codes of {@link Classification.code}; usable as metric labels. */
export type ClassificationCode =
  | 'ok'
  | 'throttled'
  | 'http_5xx'
  | 'http_status'
  | 'network_error'
  | 'timeout'
  | 'bad_response'
  | 'security_sign'
  | 'security_ip'
  | 'security_keyword'
  | 'token_invalid'
  | 'bad_request'
  | 'body_too_long'
  | 'unknown_code';

/** The interpretation of a {@link SendResult}. */
export interface Classification {
  readonly verdict: Verdict;
  readonly code: ClassificationCode;
  /** Feishu's `code` in the answer (0 is success). */
  readonly errcode?: number;
  /** Feishu's `msg`. */
  readonly errmsg?: string;
  /** Operator-facing advice (what to fix), for permanent failures and timeouts. */
  readonly hint?: string;
  /** HTTP status or network error code. */
  readonly detail?: string;
  /** The outcome is unknown (timeout, connection lost after connecting): a retry may deliver twice. */
  readonly ambiguous?: boolean;
}

/** Network errors raised before the request could reach Feishu: retrying them cannot duplicate. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

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

function parseAnswer(body: string): { errcode: number; errmsg: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // an unparsable body is reported as bad_response by the caller
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const rec = parsed as Record<string, unknown>;
  // `code`/`msg`; older answers carry `StatusCode`/`StatusMessage` (0/"success") as well or instead.
  const raw = rec['code'] ?? rec['StatusCode'];
  const errcode = typeof raw === 'number' ? raw : typeof raw === 'string' && raw !== '' ? Number(raw) : NaN;
  if (!Number.isInteger(errcode)) return undefined;
  const msg = rec['msg'] ?? rec['StatusMessage'];
  return { errcode, errmsg: typeof msg === 'string' ? msg : '' };
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

function classifyHttp(status: number, body: string): Classification {
  const answer = parseAnswer(body);
  if (status >= 500) return { verdict: 'retry', code: 'http_5xx', detail: String(status), ...(answer ?? {}) };
  if (status === 429) {
    return { verdict: 'throttle', code: 'throttled', detail: '429', hint: 'HTTP 429 from Feishu or a proxy' };
  }
  if (status === 408) return { verdict: 'retry', code: 'http_status', detail: '408' };
  // Feishu answers errors with a JSON code on 200 and on 4xx (9499 comes with HTTP 400): the code decides.
  if (answer !== undefined) return classifyCode(answer.errcode, answer.errmsg);
  if (status !== 200) {
    return {
      verdict: 'permanent',
      code: 'http_status',
      detail: String(status),
      hint: `HTTP ${status} without a Feishu answer: check the webhook host and any proxy`,
    };
  }
  return { verdict: 'retry', code: 'bad_response', hint: 'HTTP 200 without a parsable code' };
}

/**
 * Pure classification of one attempt: only `code == 0` is success. Throttle: 11232, a frequency-limit
 * message, HTTP 429. Retry: HTTP 5xx/408, network errors, timeouts (the message may still have been
 * delivered) and unparsable 200 answers. Permanent with a hint: 19021 (sign/timestamp), 19022 (IP),
 * 19024 (keyword), 19001 (token), 9499 (bad request), 19036 (too large), any other code.
 */
export function classify(result: SendResult): Classification {
  switch (result.kind) {
    case 'http':
      return classifyHttp(result.status, result.body);
    case 'network':
      return {
        verdict: 'retry',
        code: 'network_error',
        detail: result.code,
        ...(NEVER_SENT.has(result.code) ? {} : { ambiguous: true }),
      };
    case 'timeout':
      return {
        verdict: 'retry',
        code: 'timeout',
        hint: 'timed out: the message may still have been delivered',
        ambiguous: true,
      };
  }
}
