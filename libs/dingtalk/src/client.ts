import { classify } from './classify.js';
import type { Classification, SendResult } from './classify.js';
import { DingtalkError } from './errors.js';
import { MAX_BODY_BYTES } from './limits.js';
import type { DingtalkMessage } from './messages.js';
import { signUrl } from './sign.js';

/** Options of {@link createDingtalkClient}. */
export interface DingtalkClientOptions {
  /** Deadline of one request, connection to last body byte. */
  readonly timeoutMs: number;
  /** Injected fetch (tests); defaults to the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Clock used for signing and durations; defaults to `Date.now`. */
  readonly now?: () => number;
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
export interface SendOutcome extends Classification {
  /** Whether the request went out (false when the body was over the limit). */
  readonly sent: boolean;
  /** HTTP status, when an HTTP answer arrived. */
  readonly httpStatus?: number;
  readonly durationMs: number;
  readonly bodyBytes: number;
}

/** Sends messages to DingTalk custom robots. Stateless; there is nothing to close. */
export interface DingtalkClient {
  /**
   * POSTs `body` to the robot and classifies the answer. Resolves for every DingTalk, HTTP, network
   * and timeout outcome; rejects only with a {@link DingtalkError} for caller mistakes (bad webhook,
   * unserializable body), whose message never contains the webhook, token or secret.
   */
  send(req: SendRequest): Promise<SendOutcome>;
}

function networkCode(err: unknown): string {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    const code = (cur as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    cur = cur.cause;
  }
  return 'fetch_failed';
}

function serialize(body: DingtalkMessage): string {
  try {
    const json = JSON.stringify(body);
    if (typeof json !== 'string') throw new TypeError('body serializes to nothing');
    return json;
  } catch (err) {
    throw new DingtalkError('dingtalk_invalid_body', 'message body is not JSON-serializable', { cause: err });
  }
}

function targetUrl(req: SendRequest, nowMs: number): string {
  if (req.secret !== undefined && req.secret !== '') return signUrl(req.webhook, req.secret, nowMs);
  try {
    new URL(req.webhook);
  } catch (err) {
    throw new DingtalkError('dingtalk_invalid_webhook', 'webhook is not an absolute URL', { cause: err });
  }
  return req.webhook;
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
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  async function attempt(url: string, json: string): Promise<{ result: SendResult; status?: number }> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf-8' },
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
    async send(req: SendRequest): Promise<SendOutcome> {
      const started = now();
      const json = serialize(req.body);
      const bytes = Buffer.byteLength(json, 'utf8');
      const url = targetUrl(req, started);
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
      const { result, status } = await attempt(url, json);
      const outcome: SendOutcome = {
        ...classify(result),
        sent: true,
        durationMs: Math.max(0, now() - started),
        bodyBytes: bytes,
        ...(status === undefined ? {} : { httpStatus: status }),
      };
      return outcome;
    },
  };
}
