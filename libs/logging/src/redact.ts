const SECRET_QUERY = /([?&](?:access_token|sign|timestamp|token|secret|password)=)[^&#\s"']*/gi;
// `scheme://user:password@` and `scheme://:password@` (Redis' password-only form, e.g. redis://:pw@host)
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/@\s:"']*):([^/@\s"']+)@/gi;

/** Masks secrets inside free text: query values such as access_token/sign, and passwords in URLs. */
export function maskSecrets(text: string): string {
  // Fast path: both patterns need a '=' (query value) or an '@' (URL user info).
  if (!text.includes('=') && !text.includes('@')) return text;
  return text.replace(SECRET_QUERY, '$1***').replace(URL_USERINFO, '$1$2:***@');
}

/** Object paths pino removes from every log line (webhooks, secrets, passwords, tokens). */
export const REDACT_PATHS: readonly string[] = [
  'webhook',
  'secret',
  'password',
  'token',
  'authorization',
  '*.webhook',
  '*.secret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.headers.authorization',
  'sasl.password',
  '*.sasl.password',
];
