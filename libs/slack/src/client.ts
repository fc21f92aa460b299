import {
  notSentOutcome,
  postJson,
  sentOutcome,
  tooLargeOutcome,
  WebhookHttpError,
} from '@kube-herald/webhook-http';
import type { SendMeasures, SentResult, WebhookClientOptions } from '@kube-herald/webhook-http';
import { classify } from './classify.js';
import type { Classification, SendResult } from './classify.js';
import { SlackError } from './errors.js';
import { checkMessage } from './limits.js';
import type { SlackMessage } from './messages.js';

/** Options of {@link createSlackClient}. */
export interface SlackClientOptions extends WebhookClientOptions {
  /** Bodies larger than this (UTF-8 bytes) are not sent. Default: no byte limit (Slack counts characters). */
  readonly maxBodyBytes?: number;
}

/** One message to one incoming webhook. */
export interface SendRequest {
  /** `https://hooks.slack.com/services/T…/B…/…`: the whole URL is the secret, never logged. */
  readonly webhook: string;
  readonly body: SlackMessage;
}

/** What happened to one send: the classification plus measurements. */
export type SendOutcome = Classification & SendMeasures;

/** Sends messages to Slack incoming webhooks. Stateless; there is nothing to close. */
export interface SlackClient {
  /**
   * POSTs `body` and classifies the answer. Resolves for every Slack, HTTP, network and timeout outcome;
   * rejects only with a {@link SlackError} for caller mistakes (bad URL, unserializable body), whose
   * message never contains the webhook.
   */
  send(req: SendRequest): Promise<SendOutcome>;
}

function toResult(out: SentResult): SendResult {
  switch (out.kind) {
    case 'response':
      return { kind: 'http', status: out.status, body: out.text, retryAfter: out.headers.get('retry-after') };
    case 'network':
      return { kind: 'network', code: out.code, ambiguous: out.ambiguous };
    case 'timeout':
      return { kind: 'timeout' };
  }
}

function rethrow(err: unknown): never {
  if (!(err instanceof WebhookHttpError)) throw err;
  const code = err.code === 'webhook_invalid_url' ? 'slack_invalid_webhook' : 'slack_invalid_body';
  throw new SlackError(
    code,
    code === 'slack_invalid_webhook' ? 'webhook is not an absolute URL' : err.message,
    {
      cause: err,
    },
  );
}

/**
 * Creates a Slack incoming-webhook client. A message over Slack's limits (50 blocks, 150-character
 * header, 3,000-character section…) is not sent: it is answered `permanent` / `invalid_blocks` at once.
 * @example
 * const client = createSlackClient({ timeoutMs: 5000 });
 * const out = await client.send({ webhook, body: { text: 'hi' } });
 * if (out.verdict === 'throttle') wait(out.retryAfterMs ?? 1000);
 */
export function createSlackClient(options: SlackClientOptions): SlackClient {
  if (!(options.timeoutMs > 0))
    throw new SlackError('slack_invalid_options', 'timeoutMs must be a positive number');
  const now = options.now ?? Date.now;
  return {
    async send(req) {
      const problem = checkMessage(req.body);
      if (problem !== undefined) {
        const bytes = Buffer.byteLength(JSON.stringify(req.body) ?? '', 'utf8');
        return {
          ...notSentOutcome(`${problem.detail}: not sent`, bytes),
          code: problem.error,
          error: problem.error,
        };
      }
      const out = await postJson({
        url: req.webhook,
        body: req.body,
        timeoutMs: options.timeoutMs,
        now,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
        maxResponseBytes: 4096,
      }).catch(rethrow);
      if (out.kind === 'too_large') return tooLargeOutcome(out);
      return sentOutcome(classify(toResult(out), now()), out);
    },
  };
}
