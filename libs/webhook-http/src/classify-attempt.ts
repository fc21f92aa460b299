import { isNeverSent } from './network.js';

/** What came back from one send attempt, before interpretation. */
export type SendResult =
  | { readonly kind: 'http'; readonly status: number; readonly body: string }
  | { readonly kind: 'network'; readonly code: string }
  | { readonly kind: 'timeout' };

/** A platform's numeric answer code and message, read from a JSON body. */
export interface CodeAnswer {
  readonly errcode: number;
  readonly errmsg: string;
}

/** The verdict on an attempt that the transport decides, before any platform answer is read. */
export interface TransportVerdict {
  readonly verdict: 'retry' | 'throttle' | 'permanent';
  readonly code: 'throttled' | 'http_5xx' | 'http_status' | 'network_error' | 'timeout' | 'bad_response';
  readonly detail?: string;
  readonly hint?: string;
  readonly ambiguous?: true;
}

/** How one platform answers in a JSON body (DingTalk and WeCom `errcode`, Feishu `code`). */
export interface AnswerRules<C> {
  /** Named in hints: "HTTP 429 from <platform> or a proxy". */
  readonly platform: string;
  /** The answer's code field, named in the hint of an unparsable 200. */
  readonly codeField: string;
  parse(body: string): CodeAnswer | undefined;
  classify(answer: CodeAnswer): C;
}

/**
 * Reads `{ <codeKey>: integer, <msgKey>: string }` from a body (the first key present of each list);
 * undefined when the body is not JSON or carries no integer code.
 */
export function parseCodeAnswer(
  body: string,
  codeKeys: readonly string[],
  msgKeys: readonly string[],
): CodeAnswer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // an unparsable body is reported as bad_response by the caller
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const rec = parsed as Record<string, unknown>;
  const raw = codeKeys.map((k) => rec[k]).find((v) => v !== undefined);
  const errcode = typeof raw === 'number' ? raw : typeof raw === 'string' && raw !== '' ? Number(raw) : NaN;
  if (!Number.isInteger(errcode)) return undefined;
  const msg = msgKeys.map((k) => rec[k]).find((v) => v !== undefined);
  return { errcode, errmsg: typeof msg === 'string' ? msg : '' };
}

/** The verdict on a network error: retry, ambiguous unless the request never left. */
export function networkVerdict(
  code: string,
  ambiguous: boolean,
): {
  readonly verdict: 'retry';
  readonly code: 'network_error';
  readonly detail: string;
  readonly ambiguous?: true;
} {
  return { verdict: 'retry', code: 'network_error', detail: code, ...(ambiguous ? { ambiguous: true } : {}) };
}

/** The verdict on a timeout: retry, ambiguous (the message may still have been delivered). */
export const TIMEOUT_VERDICT = {
  verdict: 'retry',
  code: 'timeout',
  hint: 'timed out: the message may still have been delivered',
  ambiguous: true,
} as const;

/**
 * Classifies one attempt for a platform that answers with a code in a JSON body. The transport decides
 * first: HTTP 5xx retry (the answer's code kept), 429 throttle, 408 retry, network errors retry (ambiguous
 * unless the request never left), timeouts retry (ambiguous). Then the platform's code decides, on any
 * status; a non-200 without one is permanent, a 200 without one is retried (`bad_response`).
 */
export function classifyAttempt<C>(
  result: SendResult,
  rules: AnswerRules<C>,
): C | (TransportVerdict & Partial<CodeAnswer>) {
  switch (result.kind) {
    case 'network':
      return networkVerdict(result.code, !isNeverSent(result.code));
    case 'timeout':
      return { ...TIMEOUT_VERDICT };
    case 'http':
      break;
  }
  const { status } = result;
  const answer = rules.parse(result.body);
  if (status >= 500) return { verdict: 'retry', code: 'http_5xx', detail: String(status), ...(answer ?? {}) };
  if (status === 429) {
    return {
      verdict: 'throttle',
      code: 'throttled',
      detail: '429',
      hint: `HTTP 429 from ${rules.platform} or a proxy`,
    };
  }
  if (status === 408) return { verdict: 'retry', code: 'http_status', detail: '408' };
  if (answer !== undefined) return rules.classify(answer);
  if (status !== 200) {
    return {
      verdict: 'permanent',
      code: 'http_status',
      detail: String(status),
      hint: `HTTP ${status} without a ${rules.platform} answer: check the webhook host and any proxy`,
    };
  }
  return { verdict: 'retry', code: 'bad_response', hint: `HTTP 200 without a parsable ${rules.codeField}` };
}
