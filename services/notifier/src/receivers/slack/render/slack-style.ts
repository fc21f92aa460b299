import { escapeMrkdwn } from '@kube-herald/slack';
import { breakLinks, cleanText, neutralizeMentions, oneLine, truncateChars } from '../../../render/index.js';
import type { Style } from '../../../render/index.js';

/**
 * Event text as safe one-line Slack mrkdwn: cleaned, one line, cut to `max` characters, `://` broken (no
 * auto-link), `@` made full-width (no `@here`-style text), then `&`, `<`, `>` escaped (no `<!channel>`,
 * `<@U…>`, `<!subteam^…>` or `<url|label>` can be written).
 */
export function safeSlack(s: string, max: number): string {
  return escapeMrkdwn(neutralizeMentions(breakLinks(truncateChars(oneLine(cleanText(s)), max))));
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
