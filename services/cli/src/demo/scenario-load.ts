import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, parseYaml, zodProblems, type ConfigProblem } from '@kube-herald/config';
import { scenarioSchema, type Scenario } from './scenario-schema.js';

/** Where scenario names are looked up, and the base for relative paths. */
export interface ScenarioLookup {
  /** Folder of the named scenarios (`<repo>/scenarios`). */
  readonly dir: string;
  /** Base of relative file paths (the working directory). */
  readonly cwd: string;
}

/** Resolves `--scenario`: a path when it contains a `/` or ends in `.yaml`/`.yml`, else a name in `dir`. */
export function scenarioFile(nameOrPath: string, lookup: ScenarioLookup): string {
  if (nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath))
    return isAbsolute(nameOrPath) ? nameOrPath : resolve(lookup.cwd, nameOrPath);
  return join(lookup.dir, `${nameOrPath}.yaml`);
}

/** Checks that every cluster, node and Deployment a step names is declared. */
function crossCheck(s: Scenario): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const clusters = new Set(s.clusters.map((c) => c.id));
  const nodes = new Map<string, Set<string>>();
  const deployments = new Map<string, Set<string>>();
  for (const id of clusters) {
    nodes.set(id, new Set());
    deployments.set(id, new Set());
  }
  s.objects.forEach((o, i) => {
    if (!clusters.has(o.cluster))
      problems.push({ path: `objects.${i}.cluster`, message: `unknown cluster "${o.cluster}"` });
    o.nodes.forEach((n) => nodes.get(o.cluster)?.add(n));
    o.deployments.forEach((d) => deployments.get(o.cluster)?.add(`${d.namespace}/${d.name}`));
  });
  const needNode = (cluster: string, node: string, path: string): void => {
    if (!nodes.get(cluster)?.has(node))
      problems.push({ path, message: `unknown node "${node}" in ${cluster}` });
  };
  const needDeployment = (cluster: string, ns: string, name: string, path: string): void => {
    if (!deployments.get(cluster)?.has(`${ns}/${name}`))
      problems.push({ path, message: `unknown Deployment "${ns}/${name}" in ${cluster}` });
  };
  s.steps.forEach((step, i) => {
    const at = `steps.${i}`;
    if (!clusters.has(step.cluster)) {
      problems.push({ path: `${at}.cluster`, message: `unknown cluster "${step.cluster}"` });
      return;
    }
    if ('nodeNotReady' in step) needNode(step.cluster, step.nodeNotReady, `${at}.nodeNotReady`);
    if ('background' in step) {
      const b = step.background;
      needDeployment(step.cluster, b.namespace, b.deployment, `${at}.background.deployment`);
    }
    if ('target' in step) {
      const t = step.target;
      if ('node' in t) needNode(step.cluster, t.node, `${at}.target.node`);
      if ('podsOnNode' in t) needNode(step.cluster, t.podsOnNode, `${at}.target.podsOnNode`);
      if ('deployment' in t)
        needDeployment(step.cluster, t.namespace, t.deployment, `${at}.target.deployment`);
    }
  });
  return problems;
}

/** Validates a parsed scenario document; throws {@link ConfigError} listing every `path: message`. */
export function parseScenario(doc: unknown): Scenario {
  const res = scenarioSchema.safeParse(doc ?? {});
  if (!res.success) throw new ConfigError(zodProblems(res.error));
  const problems = crossCheck(res.data);
  if (problems.length) throw new ConfigError(problems);
  return res.data;
}

/** Reads and validates a scenario by name or path; problems carry the file name. */
export function loadScenario(nameOrPath: string, lookup: ScenarioLookup): Scenario {
  const file = scenarioFile(nameOrPath, lookup);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([{ path: file, message: `cannot read scenario (${code})` }]);
  }
  try {
    return parseScenario(parseYaml(text, file));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.problems.map((p) => ({ path: `${file}: ${p.path}`, message: p.message })));
  }
}
