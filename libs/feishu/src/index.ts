export { FeishuError } from './errors.js';
export type { FeishuErrorCode } from './errors.js';
export { computeSign, signatureFields, signBody } from './sign.js';
export { maskUrl } from './mask-url.js';
export {
  bodyBytes,
  MAX_BODY_BYTES,
  FEISHU_RATE_LIMIT_PER_MIN,
  FEISHU_RATE_LIMIT_PER_SEC,
  SIGN_WINDOW_SECONDS,
} from './limits.js';
export { classify } from './classify.js';
export type { SendResult, Verdict, Classification, ClassificationCode } from './classify.js';
export { createFeishuClient } from './client.js';
export type { FeishuClient, FeishuClientOptions, SendRequest, SendOutcome } from './client.js';
export { escapeLarkMd, neutralizeText } from './escape.js';
export {
  FEISHU_MSG_TYPES,
  cardMentions,
  cardMessage,
  postMentions,
  postMessage,
  textMentions,
  textMessage,
} from './messages.js';
export type {
  FeishuCardElement,
  FeishuCardMessage,
  FeishuCardTemplate,
  FeishuMentions,
  FeishuMessage,
  FeishuMsgType,
  FeishuPostElement,
  FeishuPostMessage,
  FeishuTextMessage,
} from './messages.js';
