/** Upper bound, in UTF-8 bytes, of `message` in a normalized event (keeps a Kafka record small). */
export const MAX_MESSAGE_BYTES = 32 * 1024;
/** Upper bound, in UTF-8 bytes, of short fields (names, reasons, uids, components). */
export const MAX_FIELD_BYTES = 1024;
/** Upper bound, in UTF-8 bytes, of one string kept verbatim in `extra`. */
export const MAX_EXTRA_STRING_BYTES = 8 * 1024;

// Lone high surrogate (not followed by a low one) or lone low surrogate (not preceded by a high one).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls except TAB, LF, CR; DEL; C1 controls. Tabs and newlines are legitimate in messages.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

// Any surrogate or control character: only a string containing one can need sanitizing.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const SUSPECT = /[\uD800-\uDFFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Outcome of {@link cleanString}: the well-formed, bounded text and what was changed. */
export interface CleanedString {
  readonly value: string;
  readonly sanitized: boolean;
  readonly truncated: boolean;
}

/**
 * Makes a string safe to publish: lone surrogates and control characters (other than tab, LF, CR)
 * become U+FFFD, then the text is cut to `maxBytes` UTF-8 bytes on a code-point boundary with a
 * visible marker. Pure; never throws.
 */
export function cleanString(input: string, maxBytes: number): CleanedString {
  if (!SUSPECT.test(input)) {
    const bounded = truncateUtf8(input, maxBytes);
    return { value: bounded, sanitized: false, truncated: bounded !== input };
  }
  const wellFormed = input.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL_CHARS, '\uFFFD');
  const bounded = truncateUtf8(wellFormed, maxBytes);
  return { value: bounded, sanitized: wellFormed !== input, truncated: bounded !== wellFormed };
}

/**
 * Cuts a well-formed string to at most `maxBytes` UTF-8 bytes, marker included. The marker reads
 * `…[truncated, N bytes in total]` so a reader knows text is missing and how much.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Cheap exit: a UTF-8 code unit needs at most 3 bytes per UTF-16 unit.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const marker = `…[truncated, ${bytes.length} bytes in total]`;
  let cut = Math.max(0, maxBytes - Buffer.byteLength(marker, 'utf8'));
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no code point is split.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8') + marker;
}
