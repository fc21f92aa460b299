// Micro-benchmark of normalize(): N normalizations of a few real fixtures, CPU time per event
// (process.cpuUsage, user+system, so a busy machine skews it less than wall time), median of 5 runs.
// Run: node --conditions=source --import tsx libs/events/scripts/bench-normalize.ts [N]
import { readFileSync } from 'node:fs';
import { normalize, type NormalizeContext } from '../src/index.js';

const N = Number(process.argv[2] ?? 100_000);
const RUNS = 5;
const FIXTURES = [
  'core-crashloop-backoff', // the typical event: kubelet BackOff
  'core-normal-scheduled',
  'core-failed-mount',
  'events-v1-failed-scheduling-series',
];
const ctxBase = {
  cluster: { id: 'prod-hz-1', name: 'prod' },
  collector: { instance: 'collector-0', version: '0.1.0' },
};

function microsPerEvent(input: unknown): number {
  // The collector builds a fresh context per event; so does the bench.
  const observedAt = Date.parse('2026-11-25T10:02:11.500Z');
  const start = process.cpuUsage();
  let ok = 0;
  for (let i = 0; i < N; i++) {
    const ctx: NormalizeContext = { ...ctxBase, observedAt: new Date(observedAt + i) };
    if (normalize(input, ctx).ok) ok++;
  }
  const used = process.cpuUsage(start);
  if (ok !== N) throw new Error(`only ${ok} of ${N} normalized`);
  return (used.user + used.system) / N;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

for (const name of FIXTURES) {
  const url = new URL(`../test/fixtures/${name}.json`, import.meta.url);
  const input: unknown = JSON.parse(readFileSync(url, 'utf8'));
  microsPerEvent(input); // warm-up
  const runs = Array.from({ length: RUNS }, () => microsPerEvent(input));
  const fmt = (v: number) => v.toFixed(2);
  process.stdout.write(
    `${name.padEnd(38)} median ${fmt(median(runs))} µs/event CPU  (runs ${runs.map(fmt).join(' ')}, N=${N})\n`,
  );
}
