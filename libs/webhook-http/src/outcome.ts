import type { SendResult, TransportVerdict } from './classify-attempt.js';
import type { PostJsonResult, PostJsonTooLarge } from './post-json.js';

/** What to do about an attempt: done, retry with backoff, hold the robot / bot / webhook back, or give up. */
export type Verdict = 'ok' | 'retry' | 'throttle' | 'permanent';

/** Codes of success and of the transport's verdicts ({@link TransportVerdict}), shared by the platforms. */
export type CommonCode = 'ok' | TransportVerdict['code'];

/** What every platform's classification of an attempt says; `Code` are its stable codes (metric labels). */
export interface ClassificationBase<Code extends string> {
  readonly verdict: Verdict;
  readonly code: Code;
  /** Operator-facing advice (what to fix), for permanent failures, throttles and timeouts. */
  readonly hint?: string;
  /** HTTP status or network error code (`ECONNRESET`, …). */
  readonly detail?: string;
  /**
   * The outcome is unknown: the request may have been written and processed (a timeout, or the connection
   * lost after connecting). A retry may deliver the message twice.
   */
  readonly ambiguous?: boolean;
}

/** The classification of a platform that answers with a code in a JSON body (DingTalk, WeCom, Feishu). */
export interface CodeClassification<Code extends string> extends ClassificationBase<Code> {
  /** The platform's answer code (0 is success). */
  readonly errcode?: number;
  /** The platform's answer message. */
  readonly errmsg?: string;
}

/** Measurements of one send, next to its classification. */
export interface SendMeasures {
  /** Whether the request went out (false when the message broke a limit and was not sent). */
  readonly sent: boolean;
  /** HTTP status, when an HTTP answer arrived. */
  readonly httpStatus?: number;
  readonly durationMs: number;
  /** UTF-8 bytes of the JSON body as sent (or as it would have been). */
  readonly bodyBytes: number;
}

/** Options every platform client takes. */
export interface WebhookClientOptions {
  /** Deadline of one request, connection to last body byte. */
  readonly timeoutMs: number;
  /** Injected fetch (tests); defaults to the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Clock for durations (and signing, `Retry-After` dates where the platform has them); defaults to `Date.now`. */
  readonly now?: () => number;
}

/** A message that is not sent because it breaks a limit: permanent `body_too_long`, with `hint`. */
export function notSentOutcome(
  hint: string,
  bodyBytes: number,
): { readonly verdict: 'permanent'; readonly code: 'body_too_long'; readonly hint: string } & SendMeasures {
  return { verdict: 'permanent', code: 'body_too_long', hint, sent: false, durationMs: 0, bodyBytes };
}

/** The outcome of a body over the client's `maxBodyBytes` (see {@link notSentOutcome}). */
export function tooLargeOutcome(out: PostJsonTooLarge): ReturnType<typeof notSentOutcome> {
  return notSentOutcome(
    `body is ${out.bodyBytes} bytes, the limit is ${out.maxBodyBytes}: not sent`,
    out.bodyBytes,
  );
}

/** An attempt that went out. */
export type SentResult = Exclude<PostJsonResult, PostJsonTooLarge>;

/** What came back from an attempt that went out, for a classifier. */
export function sendResultOf(out: SentResult): SendResult {
  switch (out.kind) {
    case 'response':
      return { kind: 'http', status: out.status, body: out.text };
    case 'network':
      return { kind: 'network', code: out.code };
    case 'timeout':
      return { kind: 'timeout' };
  }
}

/** `classification` of an attempt that went out, with its measurements (`durationMs`: postJson's by default). */
export function sentOutcome<C>(
  classification: C,
  out: SentResult,
  durationMs = out.durationMs,
): C & SendMeasures {
  return {
    ...classification,
    sent: true,
    durationMs,
    bodyBytes: out.bodyBytes,
    ...(out.kind === 'response' ? { httpStatus: out.status } : {}),
  };
}
