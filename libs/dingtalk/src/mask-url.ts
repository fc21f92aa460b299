const SECRET_PARAMS = /([?&](?:access_token|sign|timestamp|secret)=)[^&#]*/gi;

/**
 * Masks the values of `access_token`, `sign`, `timestamp` (and `secret`) query parameters so that
 * a URL can be logged. Works on any string, parsable URL or not.
 */
export function maskUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***');
}
