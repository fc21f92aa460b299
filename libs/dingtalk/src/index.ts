export { DingtalkError } from './errors.js';
export type { DingtalkErrorCode } from './errors.js';
export { signUrl, computeSign } from './sign.js';
export { bodyBytes, MAX_BODY_BYTES, DINGTALK_RATE_LIMIT_PER_MIN, SIGN_WINDOW_MS } from './limits.js';
export { classify } from './classify.js';
export type { SendResult, Verdict, Classification, ClassificationCode } from './classify.js';
export { createDingtalkClient } from './client.js';
export type { DingtalkClient, DingtalkClientOptions, SendRequest, SendOutcome } from './client.js';
export { DINGTALK_MSGTYPES } from './messages.js';
export type {
  DingtalkAt,
  DingtalkMessage,
  DingtalkMsgtype,
  DingtalkTextMessage,
  DingtalkMarkdownMessage,
  DingtalkLinkMessage,
  DingtalkActionCardMessage,
  DingtalkActionCardButton,
  DingtalkFeedCardMessage,
  DingtalkFeedCardLink,
} from './messages.js';
