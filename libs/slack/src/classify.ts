import { networkVerdict, TIMEOUT_VERDICT } from '@kube-herald/webhook-http';
import type { ClassificationBase } from '@kube-herald/webhook-http';

/** What came back from one send attempt, before interpretation. */
export type SendResult =
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly body: string;
      /** The `Retry-After` header, when present. */
      readonly retryAfter?: string | null;
    }
  | { readonly kind: 'network'; readonly code: string; readonly ambiguous: boolean }
  | { readonly kind: 'timeout' };

/** What to do about an attempt: done, retry with backoff, hold the webhook back, or give up. */
export type { Verdict } from '@kube-herald/webhook-http';

/** Stable codes of {@link Classification.code}; usable as metric labels. */
export type ClassificationCode =
  | 'ok'
  | 'throttled'
  | 'server_error'
  | 'http_status'
  | 'network_error'
  | 'timeout'
  | 'bad_response'
  | 'invalid_payload'
  | 'invalid_blocks'
  | 'no_text'
  | 'too_many_attachments'
  | 'user_not_found'
  | 'action_prohibited'
  | 'posting_denied'
  | 'invalid_token'
  | 'team_disabled'
  | 'no_service'
  | 'channel_not_found'
  | 'channel_is_archived'
  | 'body_too_long';

/** The interpretation of a {@link SendResult}. */
export interface Classification extends ClassificationBase<ClassificationCode> {
  /** Slack's answer word (`invalid_payload`, `no_service`, …), when the body was one. */
  readonly error?: string;
  /** For a throttle: how long Slack asked to wait (`Retry-After`), in ms. */
  readonly retryAfterMs?: number;
}

type Rule = readonly [ClassificationCode, string];

// Answers of incoming webhooks (text bodies), all permanent: a retry sends the same request to the same
// refusal. Sources in docs/receivers.md.
const PERMANENT: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['invalid_payload', ['invalid_payload', 'Slack could not read the JSON body: a bug in message rendering']],
  [
    'invalid_blocks',
    ['invalid_blocks', 'a block is invalid or over its size limit: a bug in message rendering'],
  ],
  ['invalid_blocks_format', ['invalid_blocks', 'the blocks are malformed: a bug in message rendering']],
  ['no_text', ['no_text', 'the message has no text: a bug in message rendering']],
  ['too_many_attachments', ['too_many_attachments', 'more than 100 attachments: a bug in message rendering']],
  ['user_not_found', ['user_not_found', 'a mentioned user does not exist: check the receiver mentions']],
  ['action_prohibited', ['action_prohibited', 'a workspace admin restricts this webhook from posting here']],
  ['posting_to_general_channel_denied', ['posting_denied', 'an admin restricts posting to this channel']],
  ['invalid_token', ['invalid_token', 'the webhook token is invalid: create a new incoming webhook']],
  [
    'no_service',
    ['no_service', 'the webhook is disabled, removed or invalid: create a new incoming webhook'],
  ],
  ['no_service_id', ['no_service', 'the webhook URL is incomplete: copy the whole URL again']],
  ['no_active_hooks', ['no_service', 'the webhook was deactivated: re-enable it or create a new one']],
  ['no_team', ['team_disabled', 'the workspace of the webhook does not exist']],
  ['team_disabled', ['team_disabled', 'the workspace of the webhook is disabled']],
  [
    'channel_not_found',
    ['channel_not_found', 'the channel was deleted: create a webhook for another channel'],
  ],
  [
    'channel_is_archived',
    ['channel_is_archived', 'the channel is archived: unarchive it or use another webhook'],
  ],
]);

// Only an answer word is kept: a proxy's HTML page must not reach logs or metrics labels.
const WORD = /^[a-z][a-z0-9_]{0,63}$/;

function answerWord(body: string): string | undefined {
  const w = body.trim();
  return WORD.test(w) ? w : undefined;
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function classifyHttp(
  status: number,
  body: string,
  retryAfter: string | null | undefined,
  nowMs: number,
): Classification {
  const error = answerWord(body);
  const word = error === undefined ? {} : { error };
  if (status === 200) {
    if (error === 'ok') return { verdict: 'ok', code: 'ok', error };
    return { verdict: 'retry', code: 'bad_response', detail: '200', hint: 'HTTP 200 without "ok"', ...word };
  }
  if (status === 429) {
    const ms = parseRetryAfter(retryAfter, nowMs);
    return {
      verdict: 'throttle',
      code: 'throttled',
      detail: '429',
      hint: `webhook rate limited: about 1 message per second${ms === undefined ? '' : `; retry after ${ms} ms`}`,
      ...(ms === undefined ? {} : { retryAfterMs: ms }),
    };
  }
  if (status >= 500) return { verdict: 'retry', code: 'server_error', detail: String(status), ...word };
  if (status === 408) return { verdict: 'retry', code: 'http_status', detail: '408' };
  const rule = error === undefined ? undefined : PERMANENT.get(error);
  if (rule !== undefined) {
    return { verdict: 'permanent', code: rule[0], hint: rule[1], detail: String(status), ...word };
  }
  // Unknown 4xx/3xx: the same request gets the same refusal; blind retries would hide it.
  return {
    verdict: 'permanent',
    code: 'http_status',
    detail: String(status),
    hint: `HTTP ${status}${error === undefined ? ' without a Slack answer: check the webhook URL and any proxy' : ` ${error}`}`,
    ...word,
  };
}

/**
 * Pure classification of one attempt to an incoming webhook. Only HTTP 200 with the body `ok` is
 * success. 429 → throttle (with `Retry-After`); 5xx (`rollup_error`), 408, network errors and timeouts →
 * retry; Slack's refusals (`invalid_payload`, `invalid_blocks`, `no_service`, `channel_is_archived`, …)
 * and any other status → permanent with a `hint`.
 */
export function classify(result: SendResult, nowMs: number = Date.now()): Classification {
  switch (result.kind) {
    case 'http':
      return classifyHttp(result.status, result.body, result.retryAfter, nowMs);
    case 'network':
      return networkVerdict(result.code, result.ambiguous);
    case 'timeout':
      return { ...TIMEOUT_VERDICT };
  }
}
