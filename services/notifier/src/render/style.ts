import { safeMarkdown, safePlain } from './escape.js';

/** How lines are marked up: markdown (the subset DingTalk and WeCom render) or plain text; a platform may add its own. */
export interface Style {
  readonly markdown: boolean;
  /** Event text (data, never markup): cleaned, one line, escaped, cut to `max` characters. */
  esc(s: string, max: number): string;
  bold(s: string): string;
  heading(s: string): string;
  quote(s: string): string;
  bullet(s: string): string;
  numbered(i: number, s: string): string;
}

export const MARKDOWN_STYLE: Style = {
  markdown: true,
  esc: safeMarkdown,
  bold: (s) => `**${s}**`,
  heading: (s) => `#### ${s}`,
  quote: (s) => `> ${s}`,
  bullet: (s) => `- ${s}`,
  numbered: (i, s) => `${i}. ${s}`,
};

export const TEXT_STYLE: Style = {
  markdown: false,
  esc: safePlain,
  bold: (s) => s,
  heading: (s) => s,
  quote: (s) => s,
  bullet: (s) => `- ${s}`,
  numbered: (i, s) => `${i}. ${s}`,
};
