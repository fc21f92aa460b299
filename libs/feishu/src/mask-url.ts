// The token is the last path segment of `/open-apis/bot/v2/hook/<token>`.
const HOOK_TOKEN = /(\/bot\/v2\/hook\/)[^/?#]+/gi;
const SECRET_PARAMS = /([?&](?:access_token|token|sign|timestamp|secret|key)=)[^&#]*/gi;

/**
 * Masks the bot token of a Feishu webhook URL (`…/bot/v2/hook/***`) and any token-like query parameter so
 * that a URL can be logged. Works on any string, parsable URL or not.
 */
export function maskUrl(url: string): string {
  return url.replace(HOOK_TOKEN, '$1***').replace(SECRET_PARAMS, '$1***');
}
