// A service process loads only its own code: `kube-herald collector` must not import the notifier (BullMQ,
// ioredis) or the demo — they would take a large share of the collector's heap (helm collector.nodeOptions).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs the CLI with `argv` in a fresh process; returns every module specifier it resolved. */
function resolvedBy(argv: readonly string[]): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(specifier, context, next) { seen.push(specifier); return next(specifier, context); } });
    const { runCli } = await import(${JSON.stringify(main)});
    const quiet = { write: () => true };
    await runCli(${JSON.stringify(argv)}, {}, { stdout: quiet, stderr: quiet });
    process.stdout.write(JSON.stringify(seen));
  `;
  const out = execFileSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as string[];
}

test('kube-herald collector loads the collector, not the notifier, BullMQ or the demo', () => {
  const collector = resolvedBy(['collector', '--config', '/nonexistent/collector.yaml']);
  assert.ok(collector.includes('@kube-herald/collector'), 'the collector itself is loaded');
  for (const heavy of ['@kube-herald/notifier', 'bullmq', 'ioredis', '@kube-herald/kube-standin'])
    assert.ok(!collector.includes(heavy), `${heavy} is not loaded`);
  // The same detector sees them when every command is registered (here: the top-level help).
  const help = resolvedBy(['--help']);
  assert.ok(help.includes('@kube-herald/notifier') && help.includes('bullmq'), 'help loads every command');
});
