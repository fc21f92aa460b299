import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { K8sObject } from './kube-types.js';
import { parseManifests } from './manifests.js';
import { repoRoot } from './repo-root.js';

/** The chart, relative to the repository root. */
export const CHART_DIR = 'helm/kube-herald';

/** Building helm from source (first run on a clean machine) takes minutes on 2 cores. */
const HELM_INSTALL_TIMEOUT_MS = 25 * 60_000;

let helmPath: string | undefined;

/** Path of the helm binary; runs scripts/helm.sh, which builds it into .cache/bin once. */
export function helmBinary(root: string = repoRoot()): string {
  helmPath ??= execFileSync('bash', [join(root, 'scripts/helm.sh')], {
    cwd: root,
    encoding: 'utf8',
    timeout: HELM_INSTALL_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return helmPath;
}

/** Outcome of one helm command. */
export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm in the repository root. */
export function runHelm(args: readonly string[], root: string = repoRoot()): HelmResult {
  const res = spawnSync(helmBinary(root), args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (res.error) throw res.error;
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/** Options of {@link templateArgs}. */
export interface RenderOptions {
  /** Values files, relative to the repository root. */
  readonly valuesFiles?: readonly string[];
  /** `--set` pairs. */
  readonly set?: Readonly<Record<string, string>>;
  readonly release?: string;
  readonly namespace?: string;
}

/** Arguments of `helm template` for the chart. */
export function templateArgs(options: RenderOptions = {}): string[] {
  const args = [
    'template',
    options.release ?? 'kh',
    CHART_DIR,
    '--namespace',
    options.namespace ?? 'observability',
  ];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push('--set', `${key}=${value}`);
  return args;
}

/** Renders the chart and parses the objects; throws with helm's stderr when rendering fails. */
export function renderChart(options: RenderOptions = {}): K8sObject[] {
  const res = runHelm(templateArgs(options));
  if (res.code !== 0) throw new Error(`helm template failed (${res.code}): ${res.stderr}`);
  return parseManifests(res.stdout);
}
