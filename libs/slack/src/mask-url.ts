/**
 * Masks an incoming-webhook URL for logs. The whole URL is the secret (`/services/T…/B…/<secret>`):
 * only the origin is kept, `https://hooks.slack.com/services/***`. Works on any string.
 */
export function maskWebhook(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)/i.exec(url);
  return m ? `${m[1]}/services/***` : '***';
}
