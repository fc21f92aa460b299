export { repoRoot } from './repo-root.js';
export { CHART_DIR, helmBinary, renderChart, runHelm, templateArgs } from './helm.js';
export type { HelmResult, RenderOptions } from './helm.js';
export { ofKind, parseManifests, single } from './manifests.js';
export { declaredMetrics, exportedSeries, metricsInSource } from './metric-names.js';
export type { DeclaredMetric } from './metric-names.js';
export { dashboardQueries, metricNames } from './dashboard.js';
export type { DashboardQuery } from './dashboard.js';
export type * from './kube-types.js';
