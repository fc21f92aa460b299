/** `text.content` of a group-robot message: at most this many UTF-8 bytes. */
export const TEXT_MAX_BYTES = 2048;

/** `markdown.content` of a group-robot message: at most this many UTF-8 bytes. */
export const MARKDOWN_MAX_BYTES = 4096;

/** Messages a group robot accepts per minute before it answers errcode 45009. */
export const WECOM_RATE_LIMIT_PER_MIN = 20;

/** The marker that ends a cut content (visible, so a reader knows text is missing). */
export const TRUNCATED_MARKER = '…(truncated)';

/** UTF-8 byte length of a string. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Cuts `s` to at most `maxBytes` UTF-8 bytes, on a code-point boundary (never inside a surrogate pair
 * or a multi-byte sequence), ending with `marker` when cut. Unchanged when it already fits.
 */
export function truncateBytes(s: string, maxBytes: number, marker: string = TRUNCATED_MARKER): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  const budget = maxBytes - utf8Bytes(marker);
  if (budget <= 0) return truncateBytes(marker, maxBytes, '');
  let used = 0;
  let out = '';
  for (const ch of s) {
    const n = utf8Bytes(ch);
    if (used + n > budget) break;
    used += n;
    out += ch;
  }
  return out + marker;
}
