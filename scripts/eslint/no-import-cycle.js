// ESLint rule: no import cycles across the whole tree, type-only imports included.
//
// eslint-plugin-import-x's `no-cycle` skips `import type`, and the cycles this tree grew were type-only
// (a command importing `Env` from the main that imports it). This rule follows every import, export-from,
// dynamic import and `import('…')` type, relative (`./x.js` → `./x.ts`) and to workspace packages
// (`@kube-herald/bus` → the `source` entry of its package.json), and reports an import whose target leads
// back to the importing file, naming the way round.
import { readFileSync, statSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../..');

/** Workspace package name → absolute path of its source entry. */
const workspaces = (() => {
  const map = new Map();
  const { workspaces: globs } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  for (const glob of globs) {
    const dirs = glob.endsWith('/*')
      ? readdirSync(join(ROOT, glob.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(ROOT, glob.slice(0, -2), d.name))
      : [join(ROOT, glob)];
    for (const dir of dirs) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      const source = pkg.exports?.['.']?.source;
      if (pkg.name && source) map.set(pkg.name, join(dir, source));
    }
  }
  return map;
})();

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The source file an import specifier names, or undefined for packages outside the tree. */
function resolveSpecifier(from, specifier) {
  if (workspaces.has(specifier)) return workspaces.get(specifier);
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = /\.[cm]?js$/.test(base)
    ? [base.replace(/\.([cm]?)js$/, '.$1ts'), base.replace(/\.js$/, '.tsx'), base]
    : [base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find(isFile);
}

/** Path → { mtimeMs, imports: string[] } for files read from disk during this process. */
const cache = new Map();

function importsOf(path) {
  let mtimeMs;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    return [];
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.imports;
  const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
  const imports = [...new Set(importedFiles.map((f) => resolveSpecifier(path, f.fileName)).filter(Boolean))];
  cache.set(path, { mtimeMs, imports });
  return imports;
}

/** The shortest import path from `start` back to `target`, or undefined. */
function wayBack(start, target) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of importsOf(file)) {
      if (next === target) {
        const route = [file];
        for (let at = previous.get(file); at !== undefined; at = previous.get(at)) route.unshift(at);
        return route;
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles, type-only imports included' },
    schema: [],
    messages: { cycle: 'Import cycle: {{route}}' },
  },
  create(context) {
    const filename = context.physicalFilename;
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const target = resolveSpecifier(filename, source.value);
      if (!target || target === filename) return;
      const route = wayBack(target, filename);
      if (!route) return;
      const names = [filename, ...route, filename].map((p) => p.slice(ROOT.length + 1));
      context.report({ node, messageId: 'cycle', data: { route: names.join(' → ') } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument),
    };
  },
};

export default { rules: { 'no-import-cycle': noImportCycle } };
