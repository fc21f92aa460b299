import type { Digest, IncidentSummary, Notification } from '../model.js';
import { draftIncident, draftDigest } from './draft-incident.js';
import { draftStorm } from './draft-storm.js';
import type { Draft, DraftContext } from './draft.js';
import { stringsFor } from './strings.js';
import type { Locale } from './strings.js';
import { MARKDOWN_STYLE, TEXT_STYLE } from './style.js';
import { fillTemplate } from './template.js';
import { truncateChars } from './escape.js';

/** DingTalk's body limit (whole JSON, UTF-8 bytes). */
export const DEFAULT_MAX_BODY_BYTES = 20_000;

/** How a receiver wants its messages (from its config). */
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
}

const STATUS_RANK: Readonly<Record<IncidentSummary['status'], number>> = {
  new: 0,
  grown: 1,
  ongoing: 2,
  resolved: 3,
};

/** Display order: new before grown before ongoing, Warning before Normal, higher count first. */
export function orderIncidents(incidents: readonly IncidentSummary[]): IncidentSummary[] {
  return [...incidents].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
      Number(b.type === 'Warning') - Number(a.type === 'Warning') ||
      b.count - a.count ||
      b.lastSeen.localeCompare(a.lastSeen) ||
      a.incidentKey.localeCompare(b.incidentKey),
  );
}

const MOBILE = /^\+?[\d-]{5,20}$/;

function mentionsOf(digest: Digest, opts: RenderOptions) {
  const mobiles = new Set(opts.mentions.mobiles);
  const userIds = new Set(opts.mentions.userIds);
  for (const i of digest.incidents)
    for (const m of i.mentions ?? []) (MOBILE.test(m) ? mobiles : userIds).add(m);
  return { atMobiles: [...mobiles], atUserIds: [...userIds], isAtAll: opts.mentions.atAll };
}

function replayHint(ctx: DraftContext): string {
  const d = ctx.digest;
  const parts = ['kube-herald replay', `--from ${d.windowStart}`];
  const clusters = new Set(ctx.incidents.map((i) => i.cluster.id));
  if (clusters.size === 1) parts.push(`--cluster ${[...clusters][0] ?? ''}`);
  const ns = d.groupLabels.namespace;
  if (ns) parts.push(`--namespace ${ns}`);
  parts.push('--dry-run');
  return ctx.style.esc(parts.join(' '), 400);
}

interface Composer {
  compose(shown: number): { title: string; text: string };
}

function composer(draft: Draft, ctx: DraftContext, opts: RenderOptions, tail: string): Composer {
  const hint = replayHint(ctx);
  return {
    compose(shown) {
      const items = draft.items.slice(0, shown);
      const hidden = draft.items.slice(shown).reduce((n, it) => n + it.incidents, 0);
      const more = hidden > 0 ? ctx.style.quote(ctx.s.more(hidden, hint)) : '';
      const list = [...items.map((it) => it.line), ...(more ? [more] : [])].join('\n');
      const defaultText = [...draft.head, ...(list ? [list] : []), ...draft.foot].join('\n');
      const vars = { ...draft.vars, title: draft.title, text: defaultText, incidents: list, more };
      const title = opts.template?.title ? fillTemplate(opts.template.title, vars) : draft.title;
      const text = opts.template?.text ? fillTemplate(opts.template.text, vars) : defaultText;
      return { title, text: text + tail };
    },
  };
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

function bytesOf(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

/** Binary search for the most items whose body fits `max` bytes (0 when none fits). */
function largestFitting<B>(
  n: number,
  attempt: (shown: number) => B,
  max: number,
): { shown: number; body: B } {
  const all = attempt(n);
  if (bytesOf(all) <= max) return { shown: n, body: all };
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytesOf(attempt(mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  return { shown: lo, body: attempt(lo) };
}

/**
 * Renders a digest for a DingTalk receiver: the default templates of MESSAGES.md (or the receiver's
 * `{{var}}` templates), escaped event text, mentions in `at` AND in the text, a keyword when missing,
 * and as many incidents as fit the body limit (most important first, then a "+N more" line). Pure.
 */
export function renderDingtalk(receiver: string, digest: Digest, opts: RenderOptions): Notification {
  const style = opts.msgType === 'text' ? TEXT_STYLE : MARKDOWN_STYLE;
  const ctx: DraftContext = {
    digest,
    incidents: orderIncidents(digest.incidents),
    s: stringsFor(opts.locale),
    style,
    locale: opts.locale,
    timeZone: opts.timeZone,
  };
  const first = ctx.incidents[0];
  const draft = digest.merged
    ? draftStorm(ctx)
    : ctx.incidents.length === 1 && first
      ? draftIncident(first, ctx)
      : draftDigest(ctx);
  const at = mentionsOf(digest, opts);
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const c = composer(draft, ctx, opts, '');
  const attempt = (shown: number) => {
    const { title, text } = c.compose(shown);
    return buildBody(truncateChars(title, 120), text, opts, at);
  };
  let { shown, body } = largestFitting(draft.items.length, attempt, max);
  if (bytesOf(body) > max) {
    shown = 0;
    body = hardCut(c, opts, at, max);
  }
  const hiddenIncidents = draft.items.slice(shown).reduce((n, it) => n + it.incidents, 0);
  return {
    receiver,
    body,
    bytes: bytesOf(body),
    incidentKeys: digest.incidents.map((i) => i.incidentKey),
    occurrences: digest.totals.occurrences,
    truncated: hiddenIncidents,
  };
}

// Last resort (a huge template or header): cut the text itself until the body fits.
function hardCut(c: Composer, opts: RenderOptions, at: ReturnType<typeof mentionsOf>, max: number) {
  const { title, text } = c.compose(0);
  let chars = Array.from(text).length;
  let body = buildBody(truncateChars(title, 120), text, opts, at);
  while (bytesOf(body) > max && chars > 0) {
    chars = Math.floor(chars * 0.8);
    body = buildBody(truncateChars(title, 120), truncateChars(text, chars), opts, at);
  }
  return body;
}
