import {
  WebhookHttpError,
  postJson,
  sendResultOf,
  sentOutcome,
  tooLargeOutcome,
} from '@kube-herald/webhook-http';
import type { PostJsonResult, SendMeasures, WebhookClientOptions } from '@kube-herald/webhook-http';
import { classify } from './classify.js';
import type { Classification } from './classify.js';
import { FeishuError } from './errors.js';
import { MAX_BODY_BYTES } from './limits.js';
import type { FeishuMessage } from './messages.js';
import { signBody } from './sign.js';

/** Options of {@link createFeishuClient}. */
export interface FeishuClientOptions extends WebhookClientOptions {
  /** Bodies larger than this (signed JSON, UTF-8) are not sent. Default {@link MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
}

/** One message to one bot. */
export interface SendRequest {
  /** `https://open.feishu.cn/open-apis/bot/v2/hook/<token>` (secret: never logged). */
  readonly webhook: string;
  /** Signing secret, when the bot has signature verification enabled. */
  readonly secret?: string;
  readonly body: FeishuMessage;
}

/** What happened to one send: the classification plus measurements (`bodyBytes`: signature fields included). */
export type SendOutcome = Classification & SendMeasures;

/** Sends messages to Feishu / Lark custom bots. Stateless; there is nothing to close. */
export interface FeishuClient {
  /**
   * POSTs `body` (signed when `secret` is set) and classifies the answer. Resolves for every Feishu, HTTP,
   * network and timeout outcome; rejects only with a {@link FeishuError} for caller mistakes (bad webhook,
   * unserializable body), whose message never contains the webhook, token or secret.
   */
  send(req: SendRequest): Promise<SendOutcome>;
}

function checkWebhook(webhook: string): void {
  try {
    new URL(webhook);
  } catch (err) {
    // The URL holds the bot token: the message must not repeat it.
    throw new FeishuError('feishu_invalid_webhook', 'webhook is not an absolute URL', { cause: err });
  }
}

/**
 * Feishu's answer text is kept for logs and metrics, but an answer may quote the token it refused: every
 * occurrence of the token (the webhook's last path segment) and of the secret is masked.
 */
function scrub(c: Classification, webhook: string, secret: string | undefined): Classification {
  const token = new URL(webhook).pathname.split('/').pop() ?? '';
  const secrets = [token, secret ?? ''].filter((x) => x.length >= 4);
  const mask = (s: string | undefined): string | undefined =>
    s === undefined ? undefined : secrets.reduce((acc, x) => acc.split(x).join('***'), s);
  const errmsg = mask(c.errmsg);
  const hint = mask(c.hint);
  return { ...c, ...(errmsg === undefined ? {} : { errmsg }), ...(hint === undefined ? {} : { hint }) };
}

/**
 * Creates a Feishu / Lark custom-bot client.
 * @example
 * const client = createFeishuClient({ timeoutMs: 5000 });
 * const out = await client.send({ webhook, secret, body: textMessage('K8s hi') });
 * if (out.verdict === 'permanent') throw new UnrecoverableError(out.code);
 */
export function createFeishuClient(options: FeishuClientOptions): FeishuClient {
  if (!(options.timeoutMs > 0)) {
    throw new FeishuError('feishu_invalid_options', 'timeoutMs must be a positive number');
  }
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  const post = async (url: string, body: object): Promise<PostJsonResult> => {
    try {
      return await postJson({
        url,
        body,
        timeoutMs: options.timeoutMs,
        maxBodyBytes: maxBytes,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        now,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    } catch (err) {
      if (!(err instanceof WebhookHttpError)) throw err;
      // Its messages never carry the URL; its code says which caller mistake it was.
      if (err.code === 'webhook_invalid_url') {
        throw new FeishuError('feishu_invalid_webhook', 'webhook is not an absolute http(s) URL', {
          cause: err,
        });
      }
      throw new FeishuError('feishu_invalid_body', 'message body is not JSON-serializable', { cause: err });
    }
  };

  return {
    async send(req) {
      checkWebhook(req.webhook);
      const body = req.secret ? signBody(req.body, req.secret, now()) : req.body;
      const out = await post(req.webhook, body);
      if (out.kind === 'too_large') return tooLargeOutcome(out);
      const c = classify(sendResultOf(out));
      // Network outcomes keep postJson's ambiguity (the request may have been written).
      if (out.kind === 'network') return sentOutcome(out.ambiguous ? { ...c, ambiguous: true } : c, out);
      return sentOutcome(out.kind === 'response' ? scrub(c, req.webhook, req.secret) : c, out);
    },
  };
}
