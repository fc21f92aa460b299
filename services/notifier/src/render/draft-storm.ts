import type { IncidentSummary } from '../model.js';
import { MESSAGE_MAX, baseVars, headerCluster } from './draft.js';
import type { Draft, DraftContext } from './draft.js';
import { formatCount, localTime } from './time-format.js';
import { statusCounts } from './draft-incident.js';

interface ReasonTotals {
  readonly reason: string;
  readonly incidents: IncidentSummary[];
  occurrences: number;
  warning: boolean;
}

function byReason(incidents: readonly IncidentSummary[]): ReasonTotals[] {
  const map = new Map<string, ReasonTotals>();
  for (const i of incidents) {
    let t = map.get(i.reason);
    if (!t) map.set(i.reason, (t = { reason: i.reason, incidents: [], occurrences: 0, warning: false }));
    t.incidents.push(i);
    t.occurrences += i.newOccurrences;
    t.warning ||= i.type === 'Warning';
  }
  return [...map.values()].sort(
    (a, b) => Number(b.warning) - Number(a.warning) || b.occurrences - a.occurrences,
  );
}

function objectKey(i: IncidentSummary): string {
  return `${i.cluster.id}/${i.namespace}/${i.object.kind}/${i.object.name}`;
}

/** `- **BackOff** 64 个 Pod，2,100 次（payments 41，orders 23）` */
function stormItem(t: ReasonTotals, ctx: DraftContext): string {
  const { s, style } = ctx;
  const objects = new Map(t.incidents.map((i) => [objectKey(i), i]));
  const kinds = new Set(t.incidents.map((i) => i.object.kind));
  const kind = kinds.size === 1 ? style.esc([...kinds][0] ?? '', 80) : s.anyKind;
  let line = `${style.bold(style.esc(t.reason, 128))} ${s.stormItem(objects.size, kind, formatCount(t.occurrences))}`;
  const namespaces = new Map<string, number>();
  for (const i of objects.values())
    if (i.namespace) namespaces.set(i.namespace, (namespaces.get(i.namespace) ?? 0) + 1);
  if (objects.size <= 3) {
    line += `${ctx.locale === 'zh-CN' ? '：' : ': '}${s.list([...objects.values()].map((i) => style.esc(i.object.name, MESSAGE_MAX.name)))}`;
  } else if (namespaces.size > 1) {
    const top = [...namespaces].sort((a, b) => b[1] - a[1]).slice(0, 3);
    line += s.paren(
      s.list(top.map(([ns, n]) => `${style.esc(ns, MESSAGE_MAX.name)} ${n}`)).replace(/、/g, '，'),
    );
  } else if (t.incidents[0]?.message) {
    line += ` — ${style.esc(t.incidents[0].message, MESSAGE_MAX.item)}`;
  }
  return style.bullet(line);
}

/** A storm summary: several groups merged because the robot's rate budget ran out (MESSAGES.md §3). */
export function draftStorm(ctx: DraftContext): Draft {
  const { s, style, digest } = ctx;
  const cluster = headerCluster(ctx);
  const allWarning = ctx.incidents.every((i) => i.type === 'Warning');
  const typeWord = allWarning ? 'Warning' : s.events;
  const n = formatCount(digest.totals.occurrences);
  const objects = formatCount(digest.totals.objects);
  const minutes = Math.max(
    1,
    Math.ceil((Date.parse(digest.windowEnd) - Date.parse(digest.windowStart)) / 60_000),
  );
  // minutes ahead at most: the time alone is unambiguous, also across midnight
  const next = digest.merged?.nextAt ? localTime(digest.merged.nextAt, ctx.timeZone).minute : undefined;
  const tag = digest.test ? s.tag.test : s.tag.storm;
  // what is news in this summary: new incidents and incidents whose count grew (and resolved ones)
  const counts = statusCounts(ctx.incidents);
  const active = ctx.incidents.filter((i) => i.status === 'new' || i.status === 'grown');
  const quiet = ctx.incidents.filter((i) => i.status === 'ongoing' || i.status === 'resolved');
  const sep = ctx.locale === 'zh-CN' ? '：' : ': ';
  return {
    title: s.stormTitle(cluster.id, n, typeWord, objects),
    head: [
      style.heading(`${tag}${s.stormHead(cluster.display, minutes, n, typeWord, objects)}`),
      style.bullet(s.summary(counts)),
    ],
    items: [
      ...byReason(active).map((t) => ({ line: stormItem(t, ctx), incidents: t.incidents.length })),
      ...(quiet.length > 0
        ? [
            {
              line: style.bullet(
                `${s.summary({ ...counts, new: 0, grown: 0 })}${sep}${s.list(
                  quiet.slice(0, 5).map((i) => style.esc(`${i.reason} ${i.object.name}`, MESSAGE_MAX.name)),
                )}${quiet.length > 5 ? '…' : ''}`,
              ),
              incidents: quiet.length,
            },
          ]
        : []),
    ],
    foot: [style.quote(s.stormFoot(next, ctx.rate))],
    vars: baseVars(ctx),
  };
}
