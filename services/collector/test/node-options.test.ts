import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The chart's collector.nodeOptions, run against the compiled collector as in the image (`npm test` builds it).
const values = fileURLToPath(new URL('../../../helm/kube-herald/values.yaml', import.meta.url));
const config = fileURLToPath(new URL('../dist/src/config.js', import.meta.url));

function chartNodeOptions(): string {
  const m = /^collector:\n(?:(?: {2}.*)?\n)*? {2}nodeOptions: "([^"]*)"$/m.exec(readFileSync(values, 'utf8'));
  assert.ok(m?.[1], 'collector.nodeOptions in the chart');
  return m[1];
}

/** Runs `code` (an ES module) in a node started with the chart's collector.nodeOptions; its stdout. */
function runWithChartOptions(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: chartNodeOptions() },
  });
}

describe('the collector under the chart node options', () => {
  it('keeps no source maps (they cost ~2.5 MB of idle RSS)', () => {
    assert.equal(runWithChartOptions('process.stdout.write(String(process.sourceMapsEnabled))'), 'false');
  });

  it('the check can fail: --enable-source-maps turns them on', () => {
    const out = execFileSync(
      process.execPath,
      ['--enable-source-maps', '-p', 'String(process.sourceMapsEnabled)'],
      { encoding: 'utf8' },
    );
    assert.equal(out.trim(), 'true');
  });

  it('an error from the compiled collector still names the file, line and function', () => {
    const code = `const { loadCollectorConfig } = await import(${JSON.stringify(config)});
try { loadCollectorConfig('/nonexistent/collector.yaml', {}); } catch (err) { process.stdout.write(err.stack); }`;
    const stack = runWithChartOptions(code);
    assert.match(stack, /cannot read config file \(ENOENT\)/);
    assert.match(stack, /at loadCollectorConfig \(\S+\/services\/collector\/dist\/src\/config\.js:\d+:\d+\)/);
  });
});
