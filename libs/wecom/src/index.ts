export { WecomError } from './errors.js';
export type { WecomErrorCode } from './errors.js';
export {
  TEXT_MAX_BYTES,
  MARKDOWN_MAX_BYTES,
  WECOM_RATE_LIMIT_PER_MIN,
  TRUNCATED_MARKER,
  utf8Bytes,
  truncateBytes,
} from './limits.js';
export { maskUrl, robotKeyParam, wecomRobotId } from './mask-url.js';
export { classify, shortErrmsg } from './classify.js';
export type { SendResult, Verdict, Classification, ClassificationCode } from './classify.js';
export { createWecomClient } from './client.js';
export type { WecomClient, WecomClientOptions, SendRequest, SendOutcome } from './client.js';
export { textMessage, markdownMessage, contentOf, WECOM_MSGTYPES, USER_ID, MOBILE } from './messages.js';
export type {
  WecomMessage,
  WecomTextMessage,
  WecomMarkdownMessage,
  TextInput,
  MarkdownInput,
} from './messages.js';
