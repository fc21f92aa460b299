import type { Digest, IncidentSummary } from '../model.js';
import { reasonPhrase } from './reasons.js';
import type { Locale, RateBudget, Strings } from './strings.js';
import type { Style } from './style.js';
import { formatCount, localTime, timeOn } from './time-format.js';

/** What to render, before size fitting: fixed lines plus a list of items that may be cut. */
export interface Draft {
  readonly title: string;
  readonly head: readonly string[];
  readonly items: readonly { readonly line: string; readonly incidents: number }[];
  /** Lines after the items (the "+N more" line is inserted before them). */
  readonly foot: readonly string[];
  readonly vars: Readonly<Record<string, string>>;
}

/** Everything a draft builder needs. */
export interface DraftContext {
  readonly digest: Digest;
  /** Incidents in display order (most important first). */
  readonly incidents: readonly IncidentSummary[];
  readonly s: Strings;
  readonly style: Style;
  readonly locale: Locale;
  readonly timeZone: string;
  /** The receiver's rate budget, named by a storm summary. */
  readonly rate?: RateBudget;
}

/** Characters kept of an event message: one incident / a digest line. */
export const MESSAGE_MAX = { single: 1000, item: 200, name: 253 } as const;

export function clusterDisplay(c: IncidentSummary['cluster'], style: Style): string {
  const id = style.esc(c.id, MESSAGE_MAX.name);
  return c.name && c.name !== c.id ? `${id} ${style.esc(c.name, MESSAGE_MAX.name)}` : id;
}

/** The cluster for a header: the one cluster of the digest, or "N clusters". */
export function headerCluster(ctx: DraftContext): { display: string; id: string } {
  const ids = new Set(ctx.incidents.map((i) => i.cluster.id));
  const first = ctx.incidents[0];
  if (ids.size === 1 && first)
    return { display: clusterDisplay(first.cluster, ctx.style), id: ctx.style.esc(first.cluster.id, 80) };
  const n = ctx.s.clusters(ids.size);
  return { display: n, id: n };
}

/** The namespace for a header: the group's, or the one all incidents share, else undefined. */
export function headerNamespace(ctx: DraftContext): string | undefined {
  const ns =
    ctx.digest.groupLabels.namespace ??
    (new Set(ctx.incidents.map((i) => i.namespace)).size === 1 ? ctx.incidents[0]?.namespace : undefined);
  return ns ? ctx.style.esc(ns, MESSAGE_MAX.name) : undefined;
}

export function tagFor(ctx: DraftContext): string {
  if (ctx.digest.test) return ctx.s.tag.test;
  const all = (st: IncidentSummary['status']) =>
    ctx.incidents.length > 0 && ctx.incidents.every((i) => i.status === st);
  if (all('resolved')) return ctx.s.tag.resolved;
  if (all('ongoing')) return ctx.s.tag.ongoing;
  return ctx.incidents.some((i) => i.type === 'Warning') ? ctx.s.tag.Warning : ctx.s.tag.Normal;
}

/** `Pod payments-api-7d9f8-x2kq（Deployment payments-api）` */
export function objectText(i: IncidentSummary, ctx: DraftContext): string {
  const { style, s } = ctx;
  const obj = `${style.esc(i.object.kind, 80)} ${style.esc(i.object.name, MESSAGE_MAX.name)}`;
  if (!i.owner) return obj;
  return obj + s.paren(`${style.esc(i.owner.kind, 80)} ${style.esc(i.owner.name, MESSAGE_MAX.name)}`);
}

/** `Pod 反复重启 (BackOff)`, or the raw reason when it has no phrase. */
export function reasonText(reason: string, ctx: DraftContext): string {
  const raw = ctx.style.esc(reason, 128);
  const phrase = reasonPhrase(reason, ctx.locale);
  return phrase ? `${phrase} (${raw})` : raw;
}

/** Variables shared by every mode (for user templates). */
export function baseVars(ctx: DraftContext): Record<string, string> {
  const d = ctx.digest;
  const first = ctx.incidents[0];
  return {
    receiver: d.receiver,
    cluster: headerCluster(ctx).id,
    clusterName: first ? ctx.style.esc(first.cluster.name, MESSAGE_MAX.name) : '',
    namespace: headerNamespace(ctx) ?? '',
    reason: first ? ctx.style.esc(first.reason, 128) : '',
    reasonText: first ? reasonText(first.reason, ctx) : '',
    message: first ? ctx.style.esc(first.message, MESSAGE_MAX.single) : '',
    count: formatCount(first?.count ?? 0),
    incidentCount: formatCount(d.totals.incidents),
    newIncidents: formatCount(d.totals.newIncidents),
    occurrences: formatCount(d.totals.occurrences),
    objects: formatCount(d.totals.objects),
    windowStart: localTime(d.windowStart, ctx.timeZone).time,
    windowEnd: localTime(d.windowEnd, ctx.timeZone).time,
  };
}

/** `10:02–10:14`, with dates when the span is not within the window's last day. */
export function span(i: IncidentSummary, ctx: DraftContext, precision: 'time' | 'minute'): string {
  const ref = ctx.digest.windowEnd;
  return `${timeOn(i.firstSeen, ref, ctx.timeZone, precision)}–${timeOn(i.lastSeen, ref, ctx.timeZone, precision)}`;
}
