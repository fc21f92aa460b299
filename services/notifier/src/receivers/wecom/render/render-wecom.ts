import {
  MARKDOWN_MAX_BYTES,
  MOBILE,
  TEXT_MAX_BYTES,
  USER_ID,
  markdownMessage,
  textMessage,
} from '@kube-herald/wecom';
import type { Digest, Notification } from '../../../model.js';
import { TEXT_STYLE, renderNotification } from '../../../render/index.js';
import type { Locale, RateBudget } from '../../../render/index.js';
import { WECOM_MARKDOWN_STYLE } from './wecom-style.js';

/** How a WeCom receiver wants its messages (from its config). */
export interface WecomRenderOptions {
  readonly msgType: 'markdown' | 'text';
  readonly locale: Locale;
  readonly timeZone: string;
  readonly mentions: {
    readonly userIds: readonly string[];
    readonly mobiles: readonly string[];
    readonly atAll: boolean;
  };
  readonly template?: { readonly title?: string; readonly text?: string };
  /** The receiver's rate budget, named by a storm summary's footer; default WeCom's 20 per minute. */
  readonly rate?: RateBudget;
}

/** WeCom's documented budget of a group robot. */
const WECOM_RATE: RateBudget = { perMinute: 20 };

interface Mentions {
  readonly userIds: string[];
  readonly mobiles: string[];
}

/**
 * The receiver's mentions plus the incidents' (from `mentions.fromLabel`): a mobile goes to the mobile
 * list (text only: WeCom markdown cannot mention a mobile), a valid user id to the user ids; anything
 * else cannot be mentioned and is left out (label values are data, never markup).
 */
function mentionsOf(digest: Digest, opts: WecomRenderOptions): Mentions {
  const userIds = new Set(opts.mentions.userIds);
  const mobiles = new Set(opts.msgType === 'text' ? opts.mentions.mobiles : []);
  for (const i of digest.incidents) {
    for (const m of i.mentions ?? []) {
      if (MOBILE.test(m)) {
        if (opts.msgType === 'text') mobiles.add(m);
      } else if (USER_ID.test(m) && m !== '@all') userIds.add(m);
    }
  }
  // At most 50 of each: mentions come from labels too, and the mention line must leave room for the text.
  return { userIds: [...userIds].slice(0, 50), mobiles: [...mobiles].slice(0, 50) };
}

const MARKER = { 'zh-CN': '…（已截断）', en: '…(truncated)' } as const;

function buildBody(text: string, opts: WecomRenderOptions, at: Mentions): Readonly<Record<string, unknown>> {
  const marker = MARKER[opts.locale];
  if (opts.msgType === 'markdown')
    return { ...markdownMessage({ content: text, mentionUserIds: at.userIds, marker }) };
  return {
    ...textMessage({
      content: text,
      mentionedList: opts.mentions.atAll ? [...at.userIds, '@all'] : at.userIds,
      mentionedMobileList: at.mobiles,
      marker,
    }),
  };
}

/** JSON bytes of the body around an empty content: the content may use the rest of the limit. */
function overheadOf(opts: WecomRenderOptions, at: Mentions): number {
  const empty = buildBody('', opts, at);
  const content = (empty as { markdown?: { content: string } }).markdown?.content ?? '';
  return (
    Buffer.byteLength(JSON.stringify(empty), 'utf8') - Buffer.byteLength(JSON.stringify(content), 'utf8') + 2
  );
}

/**
 * Renders a digest for a WeCom group robot: the neutral draft (render/) as WeCom markdown (event text
 * full-width escaped, mentions as `<@userid>`) or text (mentions in the lists), with as many incidents
 * as fit the content limit — 4,096 / 2,048 UTF-8 bytes — then a "+N more" line. WeCom messages have no
 * title: `template.title` is not shown. Pure.
 */
export function renderWecom(receiver: string, digest: Digest, opts: WecomRenderOptions): Notification {
  const at = mentionsOf(digest, opts);
  const limit = opts.msgType === 'markdown' ? MARKDOWN_MAX_BYTES : TEXT_MAX_BYTES;
  // The JSON of the content is at least as long as the content (escapes only add bytes): bounding the
  // body's JSON bounds the content; the builders cut any remainder with a visible marker.
  return renderNotification(receiver, digest, {
    locale: opts.locale,
    timeZone: opts.timeZone,
    style: opts.msgType === 'text' ? TEXT_STYLE : WECOM_MARKDOWN_STYLE,
    maxBodyBytes: overheadOf(opts, at) + limit,
    rate: opts.rate ?? WECOM_RATE,
    ...(opts.template ? { template: opts.template } : {}),
    build: (_title, text) => buildBody(text, opts, at),
  });
}
