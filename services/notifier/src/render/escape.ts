// C0/C1 controls (tab/newline handled by oneLine), zero-width and bidi-override characters: invisible
// characters that could hide or reorder text on a phone screen.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MD_INLINE = /[\\*_[\]()#>`~|!{}]/g;
const MD_LEADING = /^(\s*)([-+*]|\d+[.)])(?=\s|$)/;

/** Removes control, zero-width and bidi characters; lone surrogates become U+FFFD. */
export function cleanText(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD').replace(INVISIBLE, '');
}

/** Collapses line breaks and runs of whitespace to single spaces (event text stays on its line). */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Cuts to `max` code points (never inside a surrogate pair), ending with "…" when cut. */
export function truncateChars(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * Neutralizes mentions: `@` becomes the full-width `＠`, which DingTalk does not treat as a mention, so
 * event text can neither notify people nor inject `@all`/`@所有人`.
 */
export function neutralizeMentions(s: string): string {
  return s.replace(/@/g, '\uFF20');
}

/** Breaks bare URLs (`http://`) with a zero-width space so they are not turned into links. */
export function breakLinks(s: string): string {
  return s.replace(/:\/\//g, ':/\u200B/');
}

/** Backslash-escapes markdown specials and a leading list marker. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(MD_INLINE, (c) => `\\${c}`)
    .replace(MD_LEADING, (_m, ws: string, mark: string) => {
      return `${ws}${mark.replace(/([-+*.)])/g, '\\$1')}`;
    });
}

/** Event text as safe one-line plain text (for text messages): cleaned, one line, mentions neutralized. */
export function safePlain(s: string, max: number): string {
  return truncateChars(neutralizeMentions(breakLinks(oneLine(cleanText(s)))), max);
}

/** Event text as safe one-line markdown: {@link safePlain} plus markdown escaping. */
export function safeMarkdown(s: string, max: number): string {
  const cut = truncateChars(oneLine(cleanText(s)), max);
  return escapeMarkdown(neutralizeMentions(breakLinks(cut)));
}
