import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The collector's whole module graph, compiled as in the image: `npm test` builds it (tsc -b) first.
const main = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));

/** Node's own modules loaded once `modules` are imported (ES-module imports, as in the image). */
function builtinsAfterImport(modules: readonly string[]): string[] {
  const code = `${modules.map((m) => `await import(${JSON.stringify(m)});`).join('')}
process.stdout.write(JSON.stringify(process.moduleLoadList));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  return (JSON.parse(out) as string[]).map((m) => m.replace(/^NativeModule /, ''));
}

describe('collector module graph', () => {
  it('does not load undici, http2 or worker threads for http (idle RSS: +17 MB when it did)', () => {
    const loaded = builtinsAfterImport([main]);
    assert.ok(loaded.includes('http'), 'the graph uses node:http');
    for (const heavy of ['internal/deps/undici/undici', 'http2']) {
      assert.ok(!loaded.includes(heavy), `${heavy} was loaded`);
    }
  });

  it('the check can fail: an ES-module import of node:http loads undici and http2', () => {
    const loaded = builtinsAfterImport(['node:http']);
    assert.ok(loaded.includes('internal/deps/undici/undici'));
    assert.ok(loaded.includes('http2'));
  });
});
