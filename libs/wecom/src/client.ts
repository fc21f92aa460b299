import {
  notSentOutcome,
  postJson,
  sendResultOf,
  sentOutcome,
  tooLargeOutcome,
} from '@kube-herald/webhook-http';
import type { SendMeasures, WebhookClientOptions } from '@kube-herald/webhook-http';
import { classify } from './classify.js';
import type { Classification } from './classify.js';
import { WecomError } from './errors.js';
import { utf8Bytes } from './limits.js';
import { contentOf } from './messages.js';
import type { WecomMessage } from './messages.js';

/** Options of {@link createWecomClient}. */
export type WecomClientOptions = WebhookClientOptions;

/** One message to one group robot. */
export interface SendRequest {
  /** `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…` (secret: never logged, see `maskUrl`). */
  readonly webhook: string;
  readonly body: WecomMessage;
}

/** What happened to one send: the classification plus measurements. */
export type SendOutcome = Classification & SendMeasures;

/** Sends messages to WeCom group robots. Stateless; there is nothing to close. */
export interface WecomClient {
  /**
   * POSTs `body` to the robot and classifies the answer. Resolves for every WeCom, HTTP, network and
   * timeout outcome; rejects only with a {@link WecomError} for caller mistakes (bad webhook,
   * unserializable body), whose message never contains the webhook or key.
   */
  send(req: SendRequest): Promise<SendOutcome>;
}

function serialize(body: WecomMessage): string {
  try {
    const json = JSON.stringify(body);
    if (typeof json !== 'string') throw new TypeError('body serializes to nothing');
    return json;
  } catch (err) {
    throw new WecomError('wecom_invalid_body', 'message body is not JSON-serializable', { cause: err });
  }
}

function checkWebhook(webhook: string): void {
  let url: URL;
  try {
    url = new URL(webhook);
  } catch (err) {
    throw new WecomError('wecom_invalid_webhook', 'webhook is not an absolute URL', { cause: err });
  }
  if (!url.searchParams.get('key')) throw new WecomError('wecom_invalid_webhook', 'webhook has no key=');
}

/**
 * Creates a WeCom group-robot client.
 * @example
 * const client = createWecomClient({ timeoutMs: 5000 });
 * const out = await client.send({ webhook, body: textMessage({ content: 'hi' }) });
 * if (out.verdict === 'permanent') throw new UnrecoverableError(out.code);
 */
export function createWecomClient(options: WecomClientOptions): WecomClient {
  if (!(options.timeoutMs > 0)) {
    throw new WecomError('wecom_invalid_options', 'timeoutMs must be a positive number');
  }
  const now = options.now ?? Date.now;

  return {
    async send(req) {
      const started = now();
      checkWebhook(req.webhook);
      const json = serialize(req.body);
      const { content, limit } = contentOf(req.body);
      const contentBytes = utf8Bytes(content);
      if (contentBytes > limit) {
        const hint = `${req.body.msgtype} content is ${contentBytes} bytes, the limit is ${limit}: not sent`;
        return notSentOutcome(hint, utf8Bytes(json));
      }
      const out = await postJson({
        url: req.webhook,
        body: req.body,
        timeoutMs: options.timeoutMs,
        headers: { 'content-type': 'application/json;charset=utf-8' },
        ...(options.fetch ? { fetch: options.fetch } : {}),
        now,
      });
      // not reached: no maxBodyBytes is passed
      if (out.kind === 'too_large') return tooLargeOutcome(out);
      return sentOutcome(classify(sendResultOf(out)), out, Math.max(0, now() - started));
    },
  };
}
