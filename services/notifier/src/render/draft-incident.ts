import type { IncidentSummary } from '../model.js';
import {
  MESSAGE_MAX,
  baseVars,
  headerCluster,
  headerNamespace,
  objectText,
  reasonText,
  span,
  tagFor,
} from './draft.js';
import type { Draft, DraftContext } from './draft.js';
import type { StatusCounts } from './strings.js';
import { formatCount, localTime, timeOn } from './time-format.js';

function incidentTitle(i: IncidentSummary, ctx: DraftContext): string {
  const who = i.owner?.name ?? i.object.name;
  // cluster-scoped objects (Node, PersistentVolume…) have no namespace: `node-3`, not `/node-3`
  const where = i.namespace ? `${i.namespace}/${who}` : who;
  const state =
    i.status === 'resolved' ? `${ctx.s.resolved} ` : i.status === 'ongoing' ? `${ctx.s.ongoing} ` : '';
  return `[${ctx.style.esc(i.cluster.id, 80)}] ${state}${ctx.style.esc(i.reason, 128)} ${ctx.style.esc(where, 300)} ×${formatCount(i.count)}`;
}

/** One incident: the headline answers cluster, what, where, how often, since when (MESSAGES.md §1, §4). */
export function draftIncident(i: IncidentSummary, ctx: DraftContext): Draft {
  const { s, style, timeZone } = ctx;
  const cluster = headerCluster(ctx).display;
  const message = style.esc(i.message, MESSAGE_MAX.single);
  const offset = localTime(i.lastSeen, timeZone).offset;
  const ref = ctx.digest.windowEnd;
  // a grown incident says by how much since the last message (the reader can account every event)
  const grown = i.status === 'grown' ? s.grownBy(formatCount(i.newOccurrences)) : '';
  let head: string[];
  if (style.markdown) {
    const times = s.times(
      formatCount(i.count),
      timeOn(i.firstSeen, ref, timeZone, 'time'),
      timeOn(i.lastSeen, ref, timeZone, 'time'),
      offset,
      grown,
    );
    head = [
      style.heading(`${tagFor(ctx)}${cluster} · ${reasonText(i.reason, ctx)}`),
      style.bullet(`${style.bold(s.object)}: ${objectText(i, ctx)}`),
      ...(i.namespace
        ? [style.bullet(`${style.bold(s.namespace)}: ${style.esc(i.namespace, MESSAGE_MAX.name)}`)]
        : []),
      style.bullet(`${style.bold(s.count)}: ${times}`),
      style.quote(message),
    ];
  } else {
    const where = i.namespace ? [style.esc(i.namespace, MESSAGE_MAX.name)] : [];
    head = [
      [
        `${tagFor(ctx)}${cluster}`,
        ...where,
        `${style.esc(i.reason, 128)} ×${formatCount(i.count)}${grown}`,
      ].join(' · '),
      `${objectText(i, ctx)}, ${span(i, ctx, 'time')} ${offset}`,
      message,
    ];
  }
  return { title: incidentTitle(i, ctx), head, items: [], foot: [], vars: baseVars(ctx) };
}

/** Incidents by status. */
export function statusCounts(incidents: readonly IncidentSummary[]): StatusCounts {
  const count = (st: IncidentSummary['status']) => incidents.filter((i) => i.status === st).length;
  return { new: count('new'), grown: count('grown'), ongoing: count('ongoing'), resolved: count('resolved') };
}

function digestItem(i: IncidentSummary, n: number, ctx: DraftContext): string {
  const { s, style } = ctx;
  const reason = style.esc(i.reason, 128);
  const count = `×${formatCount(i.count)}`;
  if (i.status === 'resolved') {
    const minutes = Math.max(1, Math.round((Date.parse(i.lastSeen) - Date.parse(i.firstSeen)) / 60_000));
    const when = s.paren(`${span(i, ctx, 'minute')}${s.lasted(minutes)}`);
    return style.numbered(n, `${style.bold(s.resolved)} ${reason} ${objectText(i, ctx)} ${count}${when}`);
  }
  if (i.status === 'ongoing') {
    const since = s.since(timeOn(i.firstSeen, ctx.digest.windowEnd, ctx.timeZone, 'minute'));
    return style.numbered(n, `${style.bold(s.ongoing)} ${reason} ${objectText(i, ctx)} ${count}${since}`);
  }
  const grown = i.status === 'grown' ? s.grownBy(formatCount(i.newOccurrences)) : '';
  const when = s.paren(span(i, ctx, 'minute'));
  const msg = i.message ? ` — ${style.esc(i.message, MESSAGE_MAX.item)}` : '';
  return style.numbered(n, `${style.bold(reason)} ${objectText(i, ctx)} ${count}${grown}${when}${msg}`);
}

/** A group digest: new, grown and ongoing incidents of one group (MESSAGES.md §2). */
export function draftDigest(ctx: DraftContext): Draft {
  const { s, style } = ctx;
  const counts = statusCounts(ctx.incidents);
  const summary = s.summary(counts);
  const cluster = headerCluster(ctx);
  const ns = headerNamespace(ctx);
  // two groups of one namespace that differ by reason get different titles: the reason is said
  const reasons = new Set(ctx.incidents.map((i) => i.reason));
  const reason = reasons.size === 1 ? style.esc([...reasons][0] ?? '', 128) : undefined;
  const where = [cluster.display, ns, reason].filter(Boolean).join(' · ');
  const short = [ns, reason].filter(Boolean).join(' ');
  return {
    // the push preview is shorter: `[prod-hz] payments BackOff: 3 个新问题, 1 个持续` (MESSAGES.md §2)
    title: `[${cluster.id}]${short ? ` ${short}` : ''}: ${s.summary(counts, ', ')}`,
    head: [style.heading(`${tagFor(ctx)}${where} · ${summary}`)],
    items: ctx.incidents.map((i, n) => ({ line: digestItem(i, n + 1, ctx), incidents: 1 })),
    foot: [],
    vars: baseVars(ctx),
  };
}
