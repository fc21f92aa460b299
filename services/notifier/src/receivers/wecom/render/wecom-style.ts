import { cleanText, MARKDOWN_STYLE, oneLine, truncateChars } from '../../../render/index.js';
import type { Style } from '../../../render/index.js';

// Markdown specials, `<` (`<@userid>` mentions, `<font>` tags) and `@` become their full-width forms:
// they read the same on a phone and mean nothing to WeCom's renderer, whatever its backslash support.
const FULL_WIDTH: Readonly<Record<string, string>> = {
  '*': '＊',
  _: '＿',
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '#': '＃',
  '>': '＞',
  '<': '＜',
  '`': '｀',
  '~': '～',
  '|': '｜',
  '!': '！',
  '@': '＠',
  '\\': '＼',
  '{': '｛',
  '}': '｝',
};
const SPECIAL = /[*_[\]()#><`~|!@\\{}]/g;
const LEADING = /^(\s*)([-+]|\d+[.)])(?=\s|$)/;

/**
 * Event text as safe one-line WeCom markdown: cleaned (control, zero-width, bidi characters), one line,
 * cut to `max` characters, specials and `@`/`<` full-width (no markup, no mention, no `<font>`), `://`
 * broken with a zero-width space (no bare link), a leading list marker neutralized.
 */
export function safeWecomMarkdown(s: string, max: number): string {
  const cut = truncateChars(oneLine(cleanText(s)), max);
  return cut
    .replace(/:\/\//g, ':/\u200B/')
    .replace(SPECIAL, (c) => FULL_WIDTH[c] ?? c)
    .replace(
      LEADING,
      (_m, ws: string, mark: string) =>
        `${ws}${mark.replace(/[-+.)]/g, (c) => (c === '-' ? '－' : c === '+' ? '＋' : c === '.' ? '．' : '）'))}`,
    );
}

/** WeCom's markdown (headings, bold, quotes, lists, as DingTalk's) with its own escaping of event text. */
export const WECOM_MARKDOWN_STYLE: Style = { ...MARKDOWN_STYLE, esc: safeWecomMarkdown };
