import { WebhookHttpError } from './errors.js';
import { isNeverSent, networkCode } from './network.js';

/** Answers longer than this are cut (robots answer a few hundred bytes; a proxy page can be large). */
export const DEFAULT_MAX_RESPONSE_BYTES = 65_536;

/** One JSON POST. */
export interface PostJsonRequest {
  /** The endpoint (secret: it often carries a token; never logged, never in an error or a result). */
  readonly url: string;
  /** Serialized with `JSON.stringify`. */
  readonly body: unknown;
  /** Deadline of the whole exchange, connection to the last byte of the answer. */
  readonly timeoutMs: number;
  /** Bodies larger than this (UTF-8 bytes of the JSON) are not sent. No limit when omitted. */
  readonly maxBodyBytes?: number;
  /** Answers are read up to this many bytes. Default {@link DEFAULT_MAX_RESPONSE_BYTES}. */
  readonly maxResponseBytes?: number;
  /** Extra headers (`authorization`, …); `content-type` defaults to `application/json`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Injected fetch (tests); defaults to the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Clock for `durationMs`; defaults to `Date.now`. */
  readonly now?: () => number;
}

/** An HTTP answer arrived (any status: what it means is the platform's classifier's business). */
export interface PostJsonResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly headers: Headers;
  /** The answer's text, at most `maxResponseBytes` of it. */
  readonly text: string;
  /** `text` parsed, when it is JSON. */
  readonly json?: unknown;
  /** The answer was longer than `maxResponseBytes` and was cut. */
  readonly truncated: boolean;
  readonly durationMs: number;
  readonly bodyBytes: number;
}

/** Our deadline passed. The request may have been written and processed: a retry may duplicate. */
export interface PostJsonTimeout {
  readonly kind: 'timeout';
  readonly ambiguous: true;
  readonly durationMs: number;
  readonly bodyBytes: number;
}

/**
 * The connection failed. `code` is the system code (`ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`…).
 * `ambiguous` is false only for failures before the request could be written (refused, DNS, TLS):
 * those are safe to retry; the others (reset, socket closed) may come after the remote got it.
 */
export interface PostJsonNetworkFailure {
  readonly kind: 'network';
  readonly code: string;
  readonly ambiguous: boolean;
  readonly durationMs: number;
  readonly bodyBytes: number;
}

/** The body was over `maxBodyBytes`: nothing was sent. */
export interface PostJsonTooLarge {
  readonly kind: 'too_large';
  readonly bodyBytes: number;
  readonly maxBodyBytes: number;
  readonly durationMs: 0;
}

/** Every outcome of {@link postJson}; none of them contains the URL. */
export type PostJsonResult = PostJsonResponse | PostJsonTimeout | PostJsonNetworkFailure | PostJsonTooLarge;

function serialize(body: unknown): string {
  let json: unknown;
  try {
    json = JSON.stringify(body);
  } catch (err) {
    throw new WebhookHttpError('webhook_invalid_body', 'body is not JSON-serializable', { cause: err });
  }
  if (typeof json !== 'string')
    throw new WebhookHttpError('webhook_invalid_body', 'body serializes to nothing');
  return json;
}

function checkRequest(req: PostJsonRequest): void {
  if (!(req.timeoutMs > 0))
    throw new WebhookHttpError('webhook_invalid_options', 'timeoutMs must be positive');
  if (!URL.canParse(req.url)) {
    // no `cause`: the URL parser's error carries the input, which may hold a token
    throw new WebhookHttpError('webhook_invalid_url', 'url is not an absolute URL');
  }
}

/** Reads at most `limit` bytes of the answer, then lets the rest go (the connection is not reused then). */
async function readText(res: Response, limit: number): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: Buffer.concat(chunks, size).toString('utf8'), truncated: false };
    chunks.push(value.subarray(0, Math.max(0, limit - size)));
    size = Math.min(limit, size + value.byteLength);
    if (size >= limit) {
      await reader.cancel();
      return { text: Buffer.concat(chunks, size).toString('utf8'), truncated: true };
    }
  }
}

function parseJson(text: string): { json?: unknown } {
  if (text === '') return {};
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return {}; // not JSON: the caller still has the text
  }
}

/**
 * POSTs `body` as JSON and reports what happened. Resolves for every HTTP answer, timeout and network
 * failure (classified: {@link PostJsonResult}); rejects only with a {@link WebhookHttpError} for caller
 * mistakes. Redirects are not followed (a 3xx is an answer). Nothing returned or thrown contains the URL.
 * @example
 * const out = await postJson({ url, body: { text: 'hi' }, timeoutMs: 5000, maxBodyBytes: 20_000 });
 * if (out.kind === 'response' && out.status === 200) …
 */
export async function postJson(req: PostJsonRequest): Promise<PostJsonResult> {
  checkRequest(req);
  const json = serialize(req.body);
  const bodyBytes = Buffer.byteLength(json, 'utf8');
  if (req.maxBodyBytes !== undefined && bodyBytes > req.maxBodyBytes) {
    return { kind: 'too_large', bodyBytes, maxBodyBytes: req.maxBodyBytes, durationMs: 0 };
  }
  const doFetch = req.fetch ?? globalThis.fetch;
  const now = req.now ?? Date.now;
  const started = now();
  const signal = AbortSignal.timeout(req.timeoutMs);
  try {
    const res = await doFetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...req.headers },
      body: json,
      signal,
      redirect: 'manual',
    });
    const { text, truncated } = await readText(res, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    const durationMs = Math.max(0, now() - started);
    return {
      kind: 'response',
      status: res.status,
      headers: res.headers,
      text,
      ...parseJson(text),
      truncated,
      durationMs,
      bodyBytes,
    };
  } catch (err) {
    // Outcomes, never thrown; only the code of the error is kept (its message may quote the URL).
    const durationMs = Math.max(0, now() - started);
    if (signal.aborted) return { kind: 'timeout', ambiguous: true, durationMs, bodyBytes };
    const code = networkCode(err);
    return { kind: 'network', code, ambiguous: !isNeverSent(code), durationMs, bodyBytes };
  }
}
