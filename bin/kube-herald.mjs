#!/usr/bin/env node
// The kube-herald command. In a source checkout with dev dependencies (tsx) it runs the TypeScript
// sources through tsx with the `source` export condition; otherwise (container images, `npm ci
// --omit=dev` after `npm run build`) it runs the compiled CLI.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'services/cli/dist/src/main.js');
const source = join(root, 'services/cli/src/main.ts');
const fromSource = process.execArgv.some((a) => a.includes('conditions=source'));
const hasTsx = existsSync(join(root, 'node_modules/tsx/package.json')) && existsSync(source);

if (fromSource || hasTsx || !existsSync(built)) {
  if (fromSource) {
    const { runCli } = await import(pathToFileURL(source).href);
    process.exitCode = await runCli(process.argv.slice(2), process.env);
  } else {
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        '--disable-warning=TimeoutNegativeWarning',
        fileURLToPath(import.meta.url),
        ...process.argv.slice(2),
      ],
      { stdio: 'inherit', cwd: process.cwd() },
    );
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
    child.on('exit', (code, signal) => {
      process.exitCode = code ?? (signal ? 128 + 15 : 1);
    });
  }
} else {
  const { runCli } = await import(pathToFileURL(built).href);
  process.exitCode = await runCli(process.argv.slice(2), process.env);
}
