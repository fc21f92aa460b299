import type { FixTable } from '../fixes.js';

/** DingTalk: the security checks share errcode 310000 (only errmsg tells them apart); tokens 300001/400101. */
export const DINGTALK_FIXES: FixTable = {
  security_keyword: (r) =>
    `add one of the robot's security keywords (自定义关键词) to receivers[${r}].keywords, or add the keyword to the robot`,
  security_timestamp: () =>
    "fix this machine's clock (NTP): a signed request's timestamp must be within 1 hour of DingTalk's",
  security_sign: (r) =>
    `receivers[${r}].secret/secretFile must be the robot's 加签 secret (SEC…), unchanged; remove it if the robot does not sign`,
  security_ip: () =>
    "add this machine's public egress IP (or range) to the robot's IP allowlist (IP地址段), or send from an allowed host",
  security_check: () => 'check the robot security settings: keywords, signing secret, IP allowlist',
  token_invalid: (r) =>
    `the webhook's access_token is wrong or the robot was deleted: update receivers[${r}].webhook`,
  throttled: (r) =>
    `the robot is over DingTalk's 20 messages per minute (counted for everything that posts to it): wait a minute; lower receivers[${r}].ratePerMinute if other senders share the robot`,
};
