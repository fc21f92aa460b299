import { readFileSync } from 'node:fs';

/**
 * Where a process's busy time went, from a V8 `.cpuprofile` (node --cpu-prof): the share of the
 * non-idle samples spent in each named part, counting a sample once per part on its stack.
 *
 *   KH_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" bash scripts/bench.sh collector-rates …
 *   node --import tsx bench/src/bench/cpu-profile-summary.ts /tmp/prof/CPU.*.cpuprofile
 */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A part of the work, recognised by a frame on the sample's stack. */
const PARTS: ReadonlyArray<readonly [string, (fn: string, url: string) => boolean]> = [
  ['socket writes (one per produce request)', (fn) => fn === 'writeBuffer'],
  [
    'produce path: libs/bus and kafkajs (requests and answers, their socket writes included)',
    (_fn, url) => url.includes('node_modules/kafkajs/') || url.includes('/libs/bus/'),
  ],
  [
    'watch receive (HTTP chunk → line → event)',
    (fn, url) => fn === 'deliverLine' && url.includes('kube-client'),
  ],
  ['normalize (libs/events)', (fn) => fn === 'normalize'],
  ['publish queue', (_fn, url) => url.includes('publish-queue')],
  ['metrics (prom-client)', (_fn, url) => url.includes('node_modules/prom-client/')],
  ['garbage collector', (fn) => fn === '(garbage collector)'],
  ['module loading (start-up)', (fn) => fn === 'executeUserEntryPoint'],
];

/** The busy time (ms) and each part's share of it. */
export function summarise(profile: Profile): {
  busyMs: number;
  parts: Array<{ part: string; share: number }>;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const t = profile.timeDeltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    busy += t;
    const found = new Set<string>();
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const { functionName, url } = (byId.get(x) as ProfileNode).callFrame;
      for (const [part, match] of PARTS) if (match(functionName, url)) found.add(part);
    }
    for (const part of found) hits.set(part, (hits.get(part) ?? 0) + t);
  });
  const parts = PARTS.map(([part]) => ({ part, share: busy ? (hits.get(part) ?? 0) / busy : 0 }));
  return { busyMs: busy / 1000, parts };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const file of process.argv.slice(2)) {
    const { busyMs, parts } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    process.stdout.write(
      `\n${file}: busy ${busyMs.toFixed(0)} ms\n\n| part | share of busy time |\n|---|---|\n`,
    );
    for (const r of parts) process.stdout.write(`| ${r.part} | ${(r.share * 100).toFixed(1)} % |\n`);
  }
}
