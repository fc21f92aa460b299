import { MAX_BODY_BYTES } from '@kube-herald/dingtalk';
import type { Digest, Notification } from '../../../model.js';
import { MARKDOWN_STYLE, TEXT_STYLE, renderNotification } from '../../../render/index.js';
import type { Locale, RateBudget } from '../../../render/index.js';

/** DingTalk's body limit (whole JSON, UTF-8 bytes). */
export const DEFAULT_MAX_BODY_BYTES = MAX_BODY_BYTES;

/** How a DingTalk receiver wants its messages (from its config). */
export interface RenderOptions {
  readonly msgType: 'markdown' | 'text' | 'actionCard';
  readonly locale: Locale;
  readonly timeZone: string;
  readonly keywords: readonly string[];
  readonly mentions: {
    readonly mobiles: readonly string[];
    readonly userIds: readonly string[];
    readonly atAll: boolean;
  };
  readonly maxBodyBytes?: number;
  readonly template?: { readonly title?: string; readonly text?: string };
  /** Button of actionCard messages. */
  readonly actionCard?: { readonly title: string; readonly url: string };
  /** The receiver's rate budget, named by a storm summary's footer; default DingTalk's 20 per minute. */
  readonly rate?: RateBudget;
}

/** DingTalk's documented budget of a custom robot. */
const DINGTALK_RATE: RateBudget = { perMinute: 20 };

const MOBILE = /^\+?[\d-]{5,20}$/;

/** The receiver's mentions plus the incidents' (digits → mobile, other → user id). */
function mentionsOf(digest: Digest, opts: RenderOptions) {
  const mobiles = new Set(opts.mentions.mobiles);
  const userIds = new Set(opts.mentions.userIds);
  for (const i of digest.incidents)
    for (const m of i.mentions ?? []) (MOBILE.test(m) ? mobiles : userIds).add(m);
  return { atMobiles: [...mobiles], atUserIds: [...userIds], isAtAll: opts.mentions.atAll };
}

function keywordLine(text: string, keywords: readonly string[]): string {
  const first = keywords[0];
  return first === undefined || keywords.some((k) => text.includes(k)) ? '' : `\n\n${first}`;
}

function buildBody(title: string, text: string, opts: RenderOptions, at: ReturnType<typeof mentionsOf>) {
  const atLine = [...at.atMobiles, ...at.atUserIds].map((m) => `@${m}`).join(' ');
  let full = atLine && opts.msgType !== 'actionCard' ? `${text}\n\n${atLine}` : text;
  full += keywordLine(full, opts.keywords);
  switch (opts.msgType) {
    case 'markdown':
      return { msgtype: 'markdown', markdown: { title, text: full }, at };
    case 'text':
      return { msgtype: 'text', text: { content: full }, at };
    case 'actionCard':
      return {
        msgtype: 'actionCard',
        actionCard: {
          title,
          text: full,
          btnOrientation: '0',
          singleTitle: opts.actionCard?.title ?? (opts.locale === 'en' ? 'Details' : '查看详情'),
          singleURL: opts.actionCard?.url ?? '',
        },
      };
  }
}

/**
 * Renders a digest for a DingTalk receiver: the neutral draft (render/) as markdown, text or actionCard,
 * mentions in `at` AND in the text, a keyword when missing, within the body limit. Pure.
 */
export function renderDingtalk(receiver: string, digest: Digest, opts: RenderOptions): Notification {
  const at = mentionsOf(digest, opts);
  return renderNotification(receiver, digest, {
    locale: opts.locale,
    timeZone: opts.timeZone,
    style: opts.msgType === 'text' ? TEXT_STYLE : MARKDOWN_STYLE,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    rate: opts.rate ?? DINGTALK_RATE,
    ...(opts.template ? { template: opts.template } : {}),
    build: (title, text) => buildBody(title, text, opts, at),
  });
}
