// Shared helpers of the libs/events tests (not a test file itself).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  NOISE_PATHS,
  NORMALIZE_WARNING_CODES,
  normalize,
  parseKubeTime,
  type EventV1,
  type NormalizeContext,
} from '../src/index.js';

/** The context every golden and corpus test normalizes with. */
export const CTX: NormalizeContext = Object.freeze({
  cluster: { id: 'prod-hz-1', name: '杭州生产' },
  collector: { instance: 'collector-0', version: '0.1.0' },
  observedAt: new Date('2026-11-25T10:02:11.500Z'),
});

/** The in-repo copy of the real-event corpus (what a clean clone has). */
export const LOCAL_CORPUS = fileURLToPath(new URL('./real-events/', import.meta.url));
/** The shared corpus next to the checkout, present on the team's machines only. */
export const SHARED_CORPUS = fileURLToPath(new URL('../../../../shared/real-events/', import.meta.url));

export interface CorpusFile {
  readonly name: string;
  readonly text: string;
}

/** Every `*.json` of `core-v1/` and `events-v1/` under `root`, sorted by relative path. */
export function loadCorpus(root: string): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const dir of ['core-v1', 'events-v1']) {
    for (const file of readdirSync(`${root}${dir}`).sort()) {
      if (file.endsWith('.json')) {
        files.push({ name: `${dir}/${file}`, text: readFileSync(`${root}${dir}/${file}`, 'utf8') });
      }
    }
  }
  return files;
}

export function sharedCorpusPresent(): boolean {
  return existsSync(SHARED_CORPUS);
}

export interface Leaf {
  readonly path: readonly string[];
  readonly value: string | number | boolean;
}

/** Every primitive (non-null) leaf of a JSON value with its path. */
export function leaves(value: unknown, path: readonly string[] = []): Leaf[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return [{ path, value }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, String(i)]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [];
}

function isNoise(path: readonly string[]): boolean {
  return NOISE_PATHS.some((noise) => noise.every((key, i) => path[i] === key));
}

/**
 * The input leaves that appear nowhere in the normalized event. A leaf counts as present when
 * its text equals some output leaf, or it is a timestamp and an output leaf is the same instant.
 * Exempt, by design: declared noise paths (managedFields, selfLink), empty strings (absence),
 * the top-level `kind: "Event"` (implied by the schema), and values the builder reported as
 * absent-by-convention (`null_string:` / `zero_time:` warnings on that very path).
 */
export function lostLeaves(input: unknown, event: EventV1, warnings: readonly string[]): Leaf[] {
  const outTexts = new Set<string>();
  const outInstants = new Set<number>();
  for (const leaf of leaves(event)) {
    outTexts.add(String(leaf.value));
    const t = typeof leaf.value === 'string' ? parseKubeTime(leaf.value) : undefined;
    if (t) outInstants.add(Date.parse(t.iso));
  }
  return leaves(input).filter(({ path, value }) => {
    const dotted = path.join('.');
    if (isNoise(path) || value === '') return false;
    if (dotted === 'kind' && value === 'Event') return false;
    if (warnings.includes(`null_string:${dotted}`) || warnings.includes(`zero_time:${dotted}`)) return false;
    if (outTexts.has(String(value))) return false;
    const t = typeof value === 'string' ? parseKubeTime(value) : undefined;
    return !(t && outInstants.has(Date.parse(t.iso)));
  });
}

/** Folder of the hand-written golden inputs and of their expected normalized outputs. */
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const GOLDENS_DIR = fileURLToPath(new URL('./goldens/', import.meta.url));

/** Names (without `.json`) of the golden fixtures, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The golden text of a fixture: the whole normalize() result, 2-space JSON, trailing newline. */
export function goldenText(name: string): string {
  const input: unknown = JSON.parse(readFileSync(`${FIXTURES_DIR}${name}.json`, 'utf8'));
  return JSON.stringify(normalize(input, CTX), null, 2) + '\n';
}

/** True when `code` is one of the documented warning codes. */
export function isWarningCode(code: string): boolean {
  return (NORMALIZE_WARNING_CODES as readonly string[]).includes(code);
}

/** A deterministic PRNG (mulberry32) in [0, 1): a failure that names its seed reproduces. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
