import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A prom-client metric found in source: its name, its type and where it is declared. */
export interface DeclaredMetric {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';
  readonly file: string;
}

type MetricType = DeclaredMetric['type'];

const CTOR = String.raw`(Counter|Gauge|Histogram|Summary)`;
/** `const P = 'kube_herald_notifier_';` */
const PREFIX_CONST = /\bconst\s+(\w+)\s*(?::\s*string\s*)?=\s*(['"`])(kube_herald_[A-Za-z0-9_:]*)\2/g;
/** `name: 'kube_herald_x'` */
const NAME_LITERAL = /\bname\s*:\s*(['"`])(kube_herald_[A-Za-z0-9_:]+)\1/g;
/** `name: P + 'x'` */
const NAME_CONCAT = /\bname\s*:\s*(\w+)\s*\+\s*(['"])([A-Za-z0-9_:]+)\2/g;
/** `name: `${P}x`` */
const NAME_TEMPLATE = /\bname\s*:\s*`\$\{(\w+)\}([A-Za-z0-9_:]+)`/g;
/** `const counter = <L>(name: string, …) => new Counter<L>({ name: P + name, … })` */
const HELPER = new RegExp(
  String.raw`\bconst\s+(\w+)\s*=\s*(?:<[^>]*>\s*)?\(\s*(\w+)\s*:\s*string[^)]*\)[^=]*=>\s*new\s+${CTOR}\b[^(]*\(\s*\{\s*name\s*:\s*(?:(\w+)\s*\+\s*\2|` +
    '`' +
    String.raw`\$\{(\w+)\}\$\{\2\}` +
    '`' +
    ')',
  'g',
);

function tsFilesOf(root: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  for (const folder of folders) {
    let workspaces: string[];
    try {
      workspaces = readdirSync(join(root, folder));
    } catch {
      continue;
    }
    for (const ws of workspaces) out.push(...tsFiles(join(root, folder, ws, 'src')));
  }
  return out;
}

/** Metrics declared in one source text (see {@link declaredMetrics}). */
export function metricsInSource(text: string, file: string): DeclaredMetric[] {
  const prefixes = new Map<string, string>();
  for (const m of text.matchAll(PREFIX_CONST)) prefixes.set(m[1]!, m[3]!);
  const out: DeclaredMetric[] = [];
  const add = (name: string | undefined, type: MetricType): void => {
    if (name?.startsWith('kube_herald_')) out.push({ name, type, file });
  };
  for (const m of text.matchAll(NAME_LITERAL)) add(m[2], typeBefore(text, m.index));
  for (const m of text.matchAll(NAME_CONCAT)) {
    const prefix = prefixes.get(m[1]!);
    if (prefix !== undefined) add(prefix + m[3]!, typeBefore(text, m.index));
  }
  for (const m of text.matchAll(NAME_TEMPLATE)) {
    const prefix = prefixes.get(m[1]!);
    if (prefix !== undefined) add(prefix + m[2]!, typeBefore(text, m.index));
  }
  for (const h of text.matchAll(HELPER)) {
    const prefix = prefixes.get(h[4] ?? h[5] ?? '');
    if (prefix === undefined) continue;
    const type = h[3]!.toLowerCase() as MetricType;
    const call = new RegExp(String.raw`\b${h[1]!}\s*(?:<[^>]*>\s*)?\(\s*(['"])([A-Za-z0-9_:]+)\1`, 'g');
    for (const c of text.matchAll(call)) add(prefix + c[2]!, type);
  }
  return out;
}

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The metric type of the constructor nearest before a `name:` literal (prom-client `new Counter({ name, … })`). */
function typeBefore(text: string, index: number): MetricType {
  const window = text.slice(Math.max(0, index - 400), index);
  let last: string | undefined;
  for (const m of window.matchAll(/\b(Counter|Gauge|Histogram|Summary)\b/g)) last = m[1];
  return last ? (last.toLowerCase() as MetricType) : 'unknown';
}

/**
 * The kube_herald_* metrics declared with prom-client in `<root>/<folder>/<workspace>/src/**\/*.ts` (default
 * folders: services). Understands `name: 'kube_herald_…'` literals, `name: P + 'x'` and `` name: `${P}x` ``
 * with `const P = 'kube_herald_…'`, and one-line helpers `const counter = (name: string, …) => new
 * Counter({ name: P + name, … })` called as `counter('x', …)`.
 */
export function declaredMetrics(root: string, folders: readonly string[] = ['services']): DeclaredMetric[] {
  const out: DeclaredMetric[] = [];
  for (const file of tsFilesOf(root, folders)) {
    out.push(...metricsInSource(readFileSync(file, 'utf8'), relative(root, file)));
  }
  return out;
}

/** Series names a scrape shows for the declared metrics (histograms: `_bucket`, `_sum`, `_count`). */
export function exportedSeries(metrics: readonly DeclaredMetric[]): Set<string> {
  const out = new Set<string>();
  for (const { name, type } of metrics) {
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) out.add(name + s);
    else out.add(name);
  }
  return out;
}
