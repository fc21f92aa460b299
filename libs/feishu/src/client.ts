import { classify } from './classify.js';
import type { Classification, SendResult } from './classify.js';
import { FeishuError } from './errors.js';
import { MAX_BODY_BYTES } from './limits.js';
import type { FeishuMessage } from './messages.js';
import { signBody } from './sign.js';

/** Options of {@link createFeishuClient}. */
export interface FeishuClientOptions {
  /** Deadline of one request, connection to last body byte. */
  readonly timeoutMs: number;
  /** Injected fetch (tests); defaults to the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Clock used for signing and durations; defaults to `Date.now`. */
  readonly now?: () => number;
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

/** What happened to one send: the classification plus measurements. */
export interface SendOutcome extends Classification {
  /** Whether the request went out (false when the body was over the limit). */
  readonly sent: boolean;
  readonly httpStatus?: number;
  readonly durationMs: number;
  /** Bytes of the JSON as sent (signature fields included). */
  readonly bodyBytes: number;
}

/** Sends messages to Feishu / Lark custom bots. Stateless; there is nothing to close. */
export interface FeishuClient {
  /**
   * POSTs `body` (signed when `secret` is set) and classifies the answer. Resolves for every Feishu, HTTP,
   * network and timeout outcome; rejects only with a {@link FeishuError} for caller mistakes (bad webhook,
   * unserializable body), whose message never contains the webhook, token or secret.
   */
  send(req: SendRequest): Promise<SendOutcome>;
}

// Only code-shaped strings are reported: an error's other fields may carry the URL.
const CODE_SHAPE = /^[A-Z][A-Z0-9_]{1,63}$/;

function networkCode(err: unknown): string {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    const code = (cur as Error & { code?: unknown }).code;
    if (typeof code === 'string' && CODE_SHAPE.test(code)) return code;
    cur = cur.cause;
  }
  return 'fetch_failed';
}

function serialize(body: object): string {
  try {
    const json = JSON.stringify(body);
    if (typeof json !== 'string') throw new TypeError('body serializes to nothing');
    return json;
  } catch (err) {
    throw new FeishuError('feishu_invalid_body', 'message body is not JSON-serializable', { cause: err });
  }
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
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  async function attempt(url: string, json: string): Promise<{ result: SendResult; status?: number }> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: json,
        signal,
        redirect: 'manual',
      });
      const text = await res.text();
      return { result: { kind: 'http', status: res.status, body: text }, status: res.status };
    } catch (err) {
      // A network failure or our deadline: both are outcomes, never thrown (and never carry the URL).
      if (signal.aborted) return { result: { kind: 'timeout' } };
      return { result: { kind: 'network', code: networkCode(err) } };
    }
  }

  return {
    async send(req) {
      const started = now();
      checkWebhook(req.webhook);
      const body = req.secret ? signBody(req.body, req.secret, started) : req.body;
      const json = serialize(body);
      const bytes = Buffer.byteLength(json, 'utf8');
      if (bytes > maxBytes) {
        return {
          verdict: 'permanent',
          code: 'body_too_long',
          hint: `body is ${bytes} bytes, the limit is ${maxBytes}: not sent`,
          sent: false,
          durationMs: 0,
          bodyBytes: bytes,
        };
      }
      const { result, status } = await attempt(req.webhook, json);
      return {
        ...classify(result),
        sent: true,
        durationMs: Math.max(0, now() - started),
        bodyBytes: bytes,
        ...(status === undefined ? {} : { httpStatus: status }),
      };
    },
  };
}
