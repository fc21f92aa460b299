import { escapeMrkdwn } from '@kube-herald/slack';
import { breakLinks, cleanText, neutralizeMentions, oneLine, truncateChars } from '../../../render/index.js';
import type { Style } from '../../../render/index.js';

// mrkdwn has no escape character (a backslash stays visible): a zero-width space after a formatting
// marker keeps Slack from pairing it (`*bold*`, `_it_`, `~strike~`, `` `code` ``) and copies as the text.
const MARKERS = /[*_~`]/g;

/**
 * Event text as safe one-line Slack mrkdwn: cleaned, one line, cut to `max` characters, `://` broken (no
 * auto-link), `@` made full-width (no `@here`-style text), formatting markers disarmed, then `&`, `<`, `>`
 * escaped (no `<!channel>`, `<@U…>`, `<!subteam^…>` or `<url|label>` can be written).
 */
export function safeSlack(s: string, max: number): string {
  const cut = truncateChars(oneLine(cleanText(s)), max);
  return escapeMrkdwn(neutralizeMentions(breakLinks(cut)).replace(MARKERS, '$&\u200B'));
}

/** Slack mrkdwn: `*bold*`, `>` quotes, `•` bullets; headings are bold lines (mrkdwn has none). */
export const SLACK_STYLE: Style = {
  markdown: true,
  esc: safeSlack,
  bold: (s) => `*${s}*`,
  heading: (s) => `*${s}*`,
  quote: (s) => `> ${s}`,
  bullet: (s) => `• ${s}`,
  numbered: (i, s) => `${i}. ${s}`,
};
