import { SLACK_LIMITS, mention } from '@kube-herald/slack';
import type { SlackBlock, SlackMessage } from '@kube-herald/slack';
import type { Digest, Notification } from '../../../model.js';
import { renderNotification, truncateChars } from '../../../render/index.js';
import type { Locale, RateBudget } from '../../../render/index.js';
import { SLACK_STYLE } from './slack-style.js';

/** Default body limit of a Slack message (UTF-8 bytes of the JSON): well within Slack's character limits. */
export const DEFAULT_SLACK_MAX_BODY_BYTES = 20_000;

/** How a Slack receiver wants its messages (from its config). */
export interface SlackRenderOptions {
  readonly format: 'blocks' | 'text';
  readonly locale: Locale;
  readonly timeZone: string;
  readonly mentions: {
    readonly users: readonly string[];
    readonly groups: readonly string[];
    readonly here: boolean;
  };
  readonly maxBodyBytes?: number;
  readonly template?: { readonly title?: string; readonly text?: string };
  /** The context line under the message (the receiver's name). */
  readonly footer: string;
  /** The receiver's rate budget, named by a storm summary's footer; default Slack's 1 per second (60 per minute). */
  readonly rate?: RateBudget;
}

/** Slack's budget of an incoming webhook: about one message per second. */
const SLACK_RATE: RateBudget = { perMinute: 60, perSecond: 1 };

const SECTION_MAX = SLACK_LIMITS.sectionText;

/** Splits mrkdwn into section texts of at most 3,000 characters, at line ends when possible. */
export function sectionChunks(text: string): string[] {
  const chunks: string[] = [];
  let cur = '';
  for (const line of text.split('\n')) {
    const pieces = Array.from(line).length <= SECTION_MAX ? [line] : hardSplit(line);
    for (const p of pieces) {
      const joined = cur === '' ? p : `${cur}\n${p}`;
      if (Array.from(joined).length <= SECTION_MAX) cur = joined;
      else {
        if (cur.trim() !== '') chunks.push(cur);
        cur = p;
      }
    }
  }
  if (cur.trim() !== '') chunks.push(cur);
  return chunks;
}

function hardSplit(line: string): string[] {
  const chars = Array.from(line);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += SECTION_MAX) out.push(chars.slice(i, i + SECTION_MAX).join(''));
  return out;
}

function mentionLine(m: SlackRenderOptions['mentions']): string {
  return [...(m.here ? ['<!here>'] : []), ...m.users.map(mention), ...m.groups.map(mention)].join(' ');
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });

function buildBody(title: string, text: string, opts: SlackRenderOptions): SlackMessage {
  const who = mentionLine(opts.mentions);
  const header = truncateChars(title, SLACK_LIMITS.headerText);
  if (opts.format === 'text') {
    return {
      text: [header, text, ...(who ? [who] : [])].join('\n'),
      unfurl_links: false,
      unfurl_media: false,
    };
  }
  // header + sections + mentions + context ≤ 50 blocks: sections past the budget are dropped (the body
  // limit keeps them far below it; a huge template is the only way there)
  const room = SLACK_LIMITS.blocks - 2 - (who ? 1 : 0);
  const sections = sectionChunks(text).slice(0, room);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: header === '' ? '-' : header, emoji: true } },
    ...sections.map((s): SlackBlock => ({ type: 'section', text: mrkdwn(s) })),
    ...(who ? [{ type: 'section' as const, text: mrkdwn(who) }] : []),
    { type: 'context', elements: [mrkdwn(opts.footer)] },
  ];
  // `text` is what notifications and clients without blocks show: the title, and the mentions so they notify
  return { text: who ? `${header}\n${who}` : header, blocks, unfurl_links: false, unfurl_media: false };
}

/**
 * Renders a digest for a Slack receiver: the neutral draft (render/) in Slack mrkdwn with event text
 * escaped, as Block Kit (a header with the title, sections ≤ 3,000 characters, mentions, a context line)
 * or as mrkdwn text, within the body limit. Mentions come from the receiver's configuration only. Pure.
 */
export function renderSlack(receiver: string, digest: Digest, opts: SlackRenderOptions): Notification {
  return renderNotification(receiver, digest, {
    locale: opts.locale,
    timeZone: opts.timeZone,
    style: SLACK_STYLE,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_SLACK_MAX_BODY_BYTES,
    rate: opts.rate ?? SLACK_RATE,
    ...(opts.template ? { template: opts.template } : {}),
    build: (title, text) => buildBody(title, text, opts) as unknown as Readonly<Record<string, unknown>>,
  });
}
