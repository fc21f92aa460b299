import {
  postJson,
  sendResultOf,
  sentOutcome,
  tooLargeOutcome,
  WebhookHttpError,
} from '@kube-herald/webhook-http';
import type { SendMeasures, WebhookClientOptions } from '@kube-herald/webhook-http';
import { classify } from './classify.js';
import type { Classification } from './classify.js';
import { DingtalkError } from './errors.js';
import { MAX_BODY_BYTES } from './limits.js';
import type { DingtalkMessage } from './messages.js';
import { signUrl } from './sign.js';

/** Options of {@link createDingtalkClient}. */
export interface DingtalkClientOptions extends WebhookClientOptions {
  /** Bodies larger than this are not sent (DingTalk would answer 460101). Default {@link MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
}

/** One message to one robot. */
export interface SendRequest {
  /** `https://oapi.dingtalk.com/robot/send?access_token=…` (secret: never logged). */
  readonly webhook: string;
  /** Signing secret (`SEC…`), when the robot has signing enabled. */
  readonly secret?: string;
  readonly body: DingtalkMessage;
}

/** What happened to one send: the classification plus measurements. */
export type SendOutcome = Classification & SendMeasures;

/** Sends messages to DingTalk custom robots. Stateless; there is nothing to close. */
export interface DingtalkClient {
  /**
   * POSTs `body` to the robot and classifies the answer. Resolves for every DingTalk, HTTP, network
   * and timeout outcome; rejects only with a {@link DingtalkError} for caller mistakes (bad webhook,
   * unserializable body), whose message never contains the webhook, token or secret.
   */
  send(req: SendRequest): Promise<SendOutcome>;
}

function targetUrl(req: SendRequest, nowMs: number): string {
  if (req.secret !== undefined && req.secret !== '') return signUrl(req.webhook, req.secret, nowMs);
  if (!URL.canParse(req.webhook)) {
    throw new DingtalkError('dingtalk_invalid_webhook', 'webhook is not an absolute URL');
  }
  return req.webhook;
}

function asDingtalkError(err: unknown): never {
  if (err instanceof WebhookHttpError && err.code === 'webhook_invalid_body') {
    throw new DingtalkError('dingtalk_invalid_body', 'message body is not JSON-serializable', { cause: err });
  }
  throw err;
}

/**
 * Creates a DingTalk robot client.
 * @example
 * const client = createDingtalkClient({ timeoutMs: 5000 });
 * const out = await client.send({ webhook, secret, body: { msgtype: 'text', text: { content: 'K8s hi' } } });
 * if (out.verdict === 'permanent') throw new UnrecoverableError(out.code);
 */
export function createDingtalkClient(options: DingtalkClientOptions): DingtalkClient {
  if (!(options.timeoutMs > 0)) {
    throw new DingtalkError('dingtalk_invalid_options', 'timeoutMs must be a positive number');
  }
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const now = options.now ?? Date.now;
  return {
    async send(req: SendRequest): Promise<SendOutcome> {
      const started = now();
      const out = await postJson({
        url: targetUrl(req, started),
        body: req.body,
        timeoutMs: options.timeoutMs,
        maxBodyBytes,
        headers: { 'content-type': 'application/json;charset=utf-8' },
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }).catch(asDingtalkError);
      if (out.kind === 'too_large') return tooLargeOutcome(out);
      return sentOutcome(classify(sendResultOf(out)), out, Math.max(0, now() - started));
    },
  };
}
