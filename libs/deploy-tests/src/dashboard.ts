/** One PromQL query of a Grafana dashboard and where it is. */
export interface DashboardQuery {
  readonly where: string;
  readonly expr: string;
}

interface PanelLike {
  readonly title?: string;
  readonly targets?: readonly { readonly expr?: unknown; readonly refId?: string }[];
  readonly panels?: readonly PanelLike[];
}

interface DashboardLike {
  readonly panels?: readonly PanelLike[];
  readonly templating?: { readonly list?: readonly { readonly name?: string; readonly query?: unknown }[] };
}

/** Every PromQL expression of a dashboard: panel targets (rows included) and query variables. */
export function dashboardQueries(dashboard: unknown): DashboardQuery[] {
  const d = dashboard as DashboardLike;
  const out: DashboardQuery[] = [];
  const visit = (panels: readonly PanelLike[] | undefined): void => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) {
        if (typeof t.expr === 'string')
          out.push({ where: `${p.title ?? '?'} / ${t.refId ?? '?'}`, expr: t.expr });
      }
      visit(p.panels);
    }
  };
  visit(d.panels);
  for (const v of d.templating?.list ?? []) {
    const q =
      typeof v.query === 'object' && v.query !== null ? (v.query as { query?: unknown }).query : v.query;
    if (typeof q === 'string' && /\(/.test(q)) out.push({ where: `variable ${v.name ?? '?'}`, expr: q });
  }
  return out;
}

/** The kube_herald_* metric names a PromQL expression reads. */
export function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\bkube_herald_[A-Za-z0-9_:]+/g) ?? [])];
}
