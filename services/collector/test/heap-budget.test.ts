import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { heapBudget } from '../src/index.js';
import { testConfig } from './helpers.js';

const values = fileURLToPath(new URL('../../../helm/kube-herald/values.yaml', import.meta.url));

/** The heap limit of a Node process started with the chart's collector.nodeOptions. */
function chartHeapLimit(): number {
  const m = /^collector:\n(?:(?: {2}.*)?\n)*? {2}nodeOptions: "([^"]*)"$/m.exec(readFileSync(values, 'utf8'));
  assert.ok(m?.[1], 'collector.nodeOptions in the chart');
  const out = execFileSync(
    process.execPath,
    [...m[1].split(' '), '-p', 'require("node:v8").getHeapStatistics().heap_size_limit'],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  );
  return Number(out.trim());
}

describe('heap budget', () => {
  it('the default bounds, enrichment on, fit the heap limit the chart runs the collector with', () => {
    const limit = chartHeapLimit();
    assert.ok(limit < 128 * 2 ** 20, `the chart caps the heap (limit ${limit})`);
    const budget = heapBudget(testConfig({ collector: { enrichment: { enabled: true } } }).collector, limit);
    assert.equal(budget.fits, true, `${budget.needBytes} of ${limit}`);
  });

  it('a larger buffer than the heap allows does not fit; the seen set is not on the heap', () => {
    const limit = chartHeapLimit();
    const big = (collector: Record<string, unknown>) =>
      heapBudget(
        testConfig({ collector: { enrichment: { enabled: false }, ...collector } }).collector,
        limit,
      );
    assert.equal(big({}).fits, true);
    assert.equal(big({ bufferBytes: 64 * 2 ** 20 }).fits, false);
    assert.equal(big({ seenSize: 1_000_000 }).needBytes, big({}).needBytes);
    const roomy = testConfig({ collector: { bufferBytes: 64 * 2 ** 20 } }).collector;
    assert.equal(heapBudget(roomy, 4 * 2 ** 30).fits, true, "fits under Node's default heap limit");
  });
});
