/**
 * Escaping of untrusted text (event messages, object names) for Feishu bodies, so that it can neither
 * mention anyone nor carry a hidden link:
 * - `<` becomes the full-width `＜`: no `<at user_id="all">`, `<at id=all>`, `<a href>` or `<font>` tag can
 *   form, in text, post or card content;
 * - `](` gets a zero-width space between its characters: no `[label](url)` link, even where a backslash
 *   escape is not honoured.
 */
export function neutralizeText(s: string): string {
  return s.replace(/</g, '\uFF1C').replace(/\]\(/g, ']\u200B(');
}

const MD_INLINE = /[\\*_[\]()#>`~|!{}]/g;

/** {@link neutralizeText} plus backslash-escaped markdown specials, for card `lark_md` / `markdown`. */
export function escapeLarkMd(s: string): string {
  return neutralizeText(s.replace(MD_INLINE, (c) => `\\${c}`));
}
