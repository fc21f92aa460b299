import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder at or above `from` whose package.json is the root `kube-herald`. */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown };
      if (parsed.name === 'kube-herald') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no kube-herald package.json above ${from}`);
    dir = parent;
  }
}
