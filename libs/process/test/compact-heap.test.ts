import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Runs `code` (an ES module importing `compactHeap`) in a plain node (no --expose-gc); its JSON output. */
function run(code: string): Record<string, unknown> {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { compactHeap, compactHeapWhenQuiet } from ${JSON.stringify(index)};\n${code}`,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, unknown>;
}

describe('compactHeap', () => {
  it('shrinks the heap a finished start-up left behind, without exposing gc to the program', () => {
    const r = run(`
const keep = [];
for (let i = 0; i < 200_000; i++) keep.push({ i, s: 'x'.repeat(i % 50) });
keep.length = 0; // start-up's garbage: unreachable, but no GC has run since
const before = process.memoryUsage().heapTotal;
const done = compactHeap();
const after = process.memoryUsage().heapTotal;
const vm = await import('node:vm');
process.stdout.write(JSON.stringify({ done, before, after, global: typeof globalThis.gc, context: vm.runInNewContext('typeof gc') }));`);
    assert.equal(r.done, true);
    assert.ok(
      Number(r.after) < Number(r.before) - 4 * 2 ** 20,
      `heapTotal ${String(r.before)} → ${String(r.after)}`,
    );
    assert.equal(r.global, 'undefined', 'no gc on the global');
    assert.equal(r.context, 'undefined', '--expose-gc is cleared again: no gc in later contexts');
  });

  it('leaves an existing gc in place when the process was started with --expose-gc', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { compactHeap, compactHeapWhenQuiet } from ${JSON.stringify(index)};
process.stdout.write(JSON.stringify([compactHeap(), typeof globalThis.gc, (await import('node:vm')).runInNewContext('typeof gc')]));`,
      ],
      { encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(out), [true, 'function', 'function']);
  });

  it('compactHeapWhenQuiet waits while the event loop is busy, then compacts once', () => {
    const r = run(`
const done = [];
const busyUntil = Date.now() + 1500;
const spin = setInterval(() => { const t = Date.now() + 40; while (Date.now() < t); }, 50); // ~80 % busy
compactHeapWhenQuiet({ everyMs: 300, quietUtilization: 0.2, onDone: (x) => done.push({ at: Date.now(), ...x }) });
setTimeout(() => clearInterval(spin), busyUntil - Date.now());
setTimeout(() => process.stdout.write(JSON.stringify({ done, busyUntil })), 3000);`);
    const done = r.done as Array<{ at: number; done: boolean; ms: number }>;
    assert.equal(done.length, 1, 'once');
    assert.equal(done[0]?.done, true);
    assert.ok(Number(done[0]?.at) >= Number(r.busyUntil), 'not while the loop was busy');
  });

  it('compactHeapWhenQuiet: cancelled before the first window, it does nothing', () => {
    const r = run(`
const done = [];
const cancel = compactHeapWhenQuiet({ everyMs: 100, quietUtilization: 1, onDone: (x) => done.push(x) });
cancel();
setTimeout(() => process.stdout.write(JSON.stringify({ done: done.length })), 400);`);
    assert.equal(r.done, 0);
  });
});
