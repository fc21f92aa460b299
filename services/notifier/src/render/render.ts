import type { Digest, IncidentSummary, Notification } from '../model.js';
import { draftIncident, draftDigest } from './draft-incident.js';
import { draftStorm } from './draft-storm.js';
import type { Draft, DraftContext } from './draft.js';
import { stringsFor } from './strings.js';
import type { Locale, RateBudget } from './strings.js';
import type { Style } from './style.js';
import { fillTemplate } from './template.js';
import { truncateChars } from './escape.js';

/**
 * What a platform supplies to render a digest: how it looks (`style`, `build`) and how large it may be.
 * What it says (titles, lines, the "+N more" line, templates) is the same for every platform.
 */
export interface RenderSpec {
  readonly locale: Locale;
  readonly timeZone: string;
  /** Markup of lines and escaping of event text (`MARKDOWN_STYLE`, `TEXT_STYLE` or the platform's). */
  readonly style: Style;
  /** The receiver's `{{var}}` templates (variables: render/README.md). */
  readonly template?: { readonly title?: string; readonly text?: string };
  /** The whole JSON body stays within this many UTF-8 bytes. */
  readonly maxBodyBytes: number;
  /** The receiver's rate budget (its ratePerMinute / ratePerSecond), which a storm summary names. */
  readonly rate?: RateBudget;
  /** Characters kept of the title (default 120). */
  readonly titleMax?: number;
  /** The platform's JSON body for a title and a text (message type, mentions, keywords…). Pure. */
  build(title: string, text: string): Readonly<Record<string, unknown>>;
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

function composer(draft: Draft, ctx: DraftContext, spec: RenderSpec): Composer {
  const hint = replayHint(ctx);
  return {
    compose(shown) {
      const items = draft.items.slice(0, shown);
      const hidden = draft.items.slice(shown).reduce((n, it) => n + it.incidents, 0);
      const more = hidden > 0 ? ctx.style.quote(ctx.s.more(hidden, hint)) : '';
      const list = [...items.map((it) => it.line), ...(more ? [more] : [])].join('\n');
      const defaultText = [...draft.head, ...(list ? [list] : []), ...draft.foot].join('\n');
      const vars = { ...draft.vars, title: draft.title, text: defaultText, incidents: list, more };
      const title = spec.template?.title ? fillTemplate(spec.template.title, vars) : draft.title;
      const text = spec.template?.text ? fillTemplate(spec.template.text, vars) : defaultText;
      return { title, text };
    },
  };
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

// Last resort (a huge template or header): cut the text itself until the body fits.
function hardCut(c: Composer, spec: RenderSpec, titleMax: number) {
  const { title, text } = c.compose(0);
  let chars = Array.from(text).length;
  let body = spec.build(truncateChars(title, titleMax), text);
  while (bytesOf(body) > spec.maxBodyBytes && chars > 0) {
    chars = Math.floor(chars * 0.8);
    body = spec.build(truncateChars(title, titleMax), truncateChars(text, chars));
  }
  return body;
}

/** The draft of a digest: one incident (§1/§4), a group digest (§2) or a storm summary (§3). */
function draftOf(digest: Digest, spec: RenderSpec): { draft: Draft; ctx: DraftContext } {
  const ctx: DraftContext = {
    digest,
    incidents: orderIncidents(digest.incidents),
    s: stringsFor(spec.locale),
    style: spec.style,
    locale: spec.locale,
    timeZone: spec.timeZone,
    ...(spec.rate ? { rate: spec.rate } : {}),
  };
  const first = ctx.incidents[0];
  const draft = digest.merged
    ? draftStorm(ctx)
    : ctx.incidents.length === 1 && first
      ? draftIncident(first, ctx)
      : draftDigest(ctx);
  return { draft, ctx };
}

/**
 * Renders a digest in the voice of MESSAGES.md for any platform: the default texts (or the receiver's
 * `{{var}}` templates) with escaped event text, as many incidents as fit `maxBodyBytes` (most important
 * first, then a "+N more" line), the body shaped by `spec.build`. Pure.
 */
export function renderNotification(receiver: string, digest: Digest, spec: RenderSpec): Notification {
  const { draft, ctx } = draftOf(digest, spec);
  const titleMax = spec.titleMax ?? 120;
  const c = composer(draft, ctx, spec);
  const attempt = (shown: number) => {
    const { title, text } = c.compose(shown);
    return spec.build(truncateChars(title, titleMax), text);
  };
  let { shown, body } = largestFitting(draft.items.length, attempt, spec.maxBodyBytes);
  if (bytesOf(body) > spec.maxBodyBytes) {
    shown = 0;
    body = hardCut(c, spec, titleMax);
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
