import type { FixTable } from '../fixes.js';

/** Feishu / Lark: 19021 signature or clock, 19022 IP allowlist, 19024 keyword, 19001 token. */
export const FEISHU_FIXES: FixTable = {
  security_sign: (r) =>
    `receivers[${r}].secret/secretFile must be the bot's 签名校验 secret, unchanged (remove it if the bot does not sign), and this machine's clock right (NTP: within 1 hour of Feishu's)`,
  security_ip: () =>
    "add this machine's public egress IP (or range) to the bot's IP allowlist (IP 白名单), or send from an allowed host",
  security_keyword: (r) =>
    `add one of the bot's custom keywords (自定义关键词) to receivers[${r}].keywords, or add the keyword to the bot`,
  token_invalid: (r) =>
    `the hook token is wrong or the bot was removed from the group: update receivers[${r}].webhook`,
  throttled: (r) =>
    `the bot is over Feishu's 100 messages per minute or 5 per second (counted for everything that posts to it): wait; lower receivers[${r}].ratePerMinute / ratePerSecond if other senders share the bot`,
  http_status: (r) =>
    `the answer did not come from Feishu: check the host of receivers[${r}].webhook and any proxy in between`,
};
