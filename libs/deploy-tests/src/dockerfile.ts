import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One Dockerfile instruction (continuations joined, comments dropped). */
export interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** One build stage. */
export interface Stage {
  readonly from: string;
  readonly name?: string | undefined;
  readonly instructions: Instruction[];
}

/** A parsed Dockerfile: global ARGs (before the first FROM) and the stages. */
export interface Dockerfile {
  readonly args: Map<string, string>;
  readonly stages: Stage[];
}

/** Parses a Dockerfile's instructions into stages (enough for this project's Dockerfile). */
export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) current += line.slice(0, -1) + ' ';
    else {
      logical.push((current + line).trim());
      current = '';
    }
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const l of logical.filter(Boolean)) {
    const [op = '', ...rest] = l.split(/\s+/);
    const ins = { op: op.toUpperCase(), args: rest.join(' ') };
    if (ins.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`cannot parse FROM ${ins.args}`);
      stages.push({ from: m[1]!, name: m[2], instructions: [] });
    } else if (stages.length === 0 && ins.op === 'ARG') {
      const [k, v = ''] = ins.args.split('=');
      args.set(k!, v);
    } else stages.at(-1)?.instructions.push(ins);
  }
  return { args, stages };
}

/** A .dockerignore pattern as a regular expression over slash-separated relative paths. */
function patternRegex(pattern: string): RegExp {
  let re = '';
  const p = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  for (let i = 0; i < p.length; i += 1) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      re += '.*';
      i += 1;
      if (p[i + 1] === '/') i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Docker's .dockerignore rules: each line a pattern (Go filepath.Match plus `**`), matched against the path
 * and each of its parent folders; a later `!pattern` re-includes; comments and blank lines ignored.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) =>
      l.startsWith('!') ? { keep: true, re: patternRegex(l.slice(1)) } : { keep: false, re: patternRegex(l) },
    );
  return (path: string) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const r of rules) if (prefixes.some((p) => r.re.test(p))) excluded = !r.keep;
    return excluded;
  };
}

/** The files of the build context rooted at `root` as .dockerignore filters them (relative paths). */
export function buildContext(root: string): string[] {
  const ignored = dockerignore(readFileSync(join(root, '.dockerignore'), 'utf8'));
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      // a folder whose every path is ignored is not entered (node_modules); exceptions would need it
      if (ignored(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk('');
  return out.sort();
}
