export { postJson, DEFAULT_MAX_RESPONSE_BYTES } from './post-json.js';
export type {
  PostJsonRequest,
  PostJsonResult,
  PostJsonResponse,
  PostJsonTimeout,
  PostJsonNetworkFailure,
  PostJsonTooLarge,
} from './post-json.js';
export { NEVER_SENT_CODES, isNeverSent, networkCode } from './network.js';
export { WebhookHttpError } from './errors.js';
export type { WebhookHttpErrorCode } from './errors.js';
export { classifyAttempt, networkVerdict, parseCodeAnswer, TIMEOUT_VERDICT } from './classify-attempt.js';
export type { AnswerRules, CodeAnswer, SendResult, TransportVerdict } from './classify-attempt.js';
export { notSentOutcome, sendResultOf, sentOutcome, tooLargeOutcome } from './outcome.js';
export type {
  ClassificationBase,
  CodeClassification,
  CommonCode,
  SendMeasures,
  SentResult,
  Verdict,
  WebhookClientOptions,
} from './outcome.js';
