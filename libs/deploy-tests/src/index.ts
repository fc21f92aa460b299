export { repoRoot } from './repo-root.js';
export { CHART_DIR, helmBinary, renderChart, runHelm, templateArgs } from './helm.js';
export type { HelmResult, RenderOptions } from './helm.js';
export { ofKind, parseManifests, single } from './manifests.js';
export type * from './kube-types.js';
