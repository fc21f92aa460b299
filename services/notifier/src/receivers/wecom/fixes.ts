import type { FixTable } from '../fixes.js';

/** WeCom: the key in the webhook is the only credential (93000), 45009 is its 20/min limit. */
export const WECOM_FIXES: FixTable = {
  webhook_invalid: (r) =>
    `the key= of receivers[${r}].webhook is wrong or the robot was removed from the group: copy the robot's webhook address again (群机器人 → 复制 Webhook 地址)`,
  webhook_rejected: (r) =>
    `the robot refused the request: check that it is still in the group and that receivers[${r}].webhook is its current address`,
  invalid_parameter: (r) =>
    `check the key= of receivers[${r}].webhook (copy the whole webhook address again)`,
  throttled: (r) =>
    `the robot is over WeCom's 20 messages per minute (45009, counted for everything that posts to it): wait a minute; lower receivers[${r}].ratePerMinute if other senders share the robot`,
  http_status: (r) =>
    `the answer did not come from WeCom: check the host of receivers[${r}].webhook and any proxy in between`,
};
