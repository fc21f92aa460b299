import {
  MAX_BODY_BYTES,
  cardMessage,
  escapeLarkMd,
  neutralizeText,
  postMessage,
  textMessage,
} from '@kube-herald/feishu';
import type {
  FeishuCardTemplate,
  FeishuMentions,
  FeishuMessage,
  FeishuPostElement,
} from '@kube-herald/feishu';
import type { Digest, Notification } from '../../model.js';
import { breakLinks, cleanText, oneLine, renderNotification, truncateChars } from '../../render/index.js';
import type { Locale, RateBudget, Style } from '../../render/index.js';

/** How a Feishu receiver wants its messages (from its config). */
export interface FeishuRenderOptions {
  readonly msgType: 'interactive' | 'post' | 'text';
  readonly locale: Locale;
  readonly timeZone: string;
  readonly keywords: readonly string[];
  readonly mentions: { readonly userIds: readonly string[]; readonly atAll: boolean };
  readonly maxBodyBytes?: number;
  readonly template?: { readonly title?: string; readonly text?: string };
  /** The receiver's rate budget, named by a storm summary's footer; default Feishu's 100 per minute and 5 per second. */
  readonly rate?: RateBudget;
}

/** Feishu's documented budget of a custom bot. */
const FEISHU_RATE: RateBudget = { perMinute: 100, perSecond: 5 };

// Event text is data: cleaned, on one line, cut, bare URLs broken, then no `<…>` tag and no `[x](url)`.
const safe = (s: string, max: number): string => breakLinks(truncateChars(oneLine(cleanText(s)), max));

/** Card markdown: bold, lists; headings and quotes are Card 2.0 only, so they are bold / plain here. */
const CARD_STYLE: Style = {
  markdown: true,
  esc: (s, max) => escapeLarkMd(safe(s, max)),
  bold: (s) => `**${s}**`,
  heading: (s) => `**${s}**`,
  quote: (s) => s,
  bullet: (s) => `- ${s}`,
  numbered: (i, s) => `${i}. ${s}`,
};

/** Text and post lines: no markup at all (post `text` elements are literal). */
const PLAIN_STYLE: Style = {
  markdown: false,
  esc: (s, max) => neutralizeText(safe(s, max)),
  bold: (s) => s,
  heading: (s) => s,
  quote: (s) => s,
  bullet: (s) => `- ${s}`,
  numbered: (i, s) => `${i}. ${s}`,
};

// A card header is plain_text: the markdown escapes of the title are shown as typed, so they go.
const unescapeMd = (s: string): string => s.replace(/\\([\\*_[\]()#>`~|!{}])/g, '$1');

/** The receiver's mentions plus the incidents' (from the `fromLabel` label). */
function mentionsOf(digest: Digest, opts: FeishuRenderOptions): FeishuMentions {
  const ids = new Set(opts.mentions.userIds);
  for (const i of digest.incidents) for (const m of i.mentions ?? []) ids.add(m);
  return { userIds: [...ids], atAll: opts.mentions.atAll };
}

/** Red while a Warning is open, green when everything listed recovered, orange for a storm summary. */
function headerColour(digest: Digest): FeishuCardTemplate {
  if (digest.merged) return 'orange';
  if (digest.incidents.every((i) => i.status === 'resolved')) return 'green';
  return digest.incidents.some((i) => i.type === 'Warning' && i.status !== 'resolved') ? 'red' : 'blue';
}

function withKeyword(text: string, keywords: readonly string[]): string {
  const first = keywords[0];
  return first === undefined || keywords.some((k) => text.includes(k)) ? text : `${text}\n\n${first}`;
}

function buildBody(
  title: string,
  text: string,
  opts: FeishuRenderOptions,
  digest: Digest,
  mentions: FeishuMentions,
): FeishuMessage {
  const full = withKeyword(text, opts.keywords);
  switch (opts.msgType) {
    case 'interactive':
      return cardMessage(unescapeMd(title), full, { template: headerColour(digest), mentions });
    case 'post': {
      const lines: FeishuPostElement[][] = full.split('\n').map((line) => [{ tag: 'text', text: line }]);
      return postMessage(title, lines, mentions, opts.locale === 'en' ? 'en_us' : 'zh_cn');
    }
    case 'text':
      return textMessage(full, mentions);
  }
}

/**
 * Renders a digest for a Feishu receiver: the neutral draft (render/, MESSAGES.md voice) as a card, rich
 * text or text; event text escaped so it can neither mention (`<at>`) nor link; mentions as Feishu tags; a
 * keyword when missing; within the body limit (UTF-8 bytes, before the signature fields). Pure.
 */
export function renderFeishu(receiver: string, digest: Digest, opts: FeishuRenderOptions): Notification {
  const mentions = mentionsOf(digest, opts);
  // `timestamp` + `sign` add ~70 bytes to a signed body: kept out of the rendering budget.
  const maxBodyBytes = (opts.maxBodyBytes ?? MAX_BODY_BYTES) - 100;
  return renderNotification(receiver, digest, {
    locale: opts.locale,
    timeZone: opts.timeZone,
    style: opts.msgType === 'interactive' ? CARD_STYLE : PLAIN_STYLE,
    maxBodyBytes,
    rate: opts.rate ?? FEISHU_RATE,
    ...(opts.template ? { template: opts.template } : {}),
    build: (title, text) =>
      buildBody(title, text, opts, digest, mentions) as unknown as Record<string, unknown>,
  });
}
