import type { Logger } from '@kube-herald/logging';
import type { Load } from '../load.js';
import type { Tally } from '../ledger.js';
import type { PrivateKafka } from '../private-kafka.js';
import type { PrivateRedis } from '../private-redis.js';
import type { World, WorldOptions } from '../world.js';

/** What a fault case can act on while the load runs. */
export interface FaultContext {
  readonly world: World;
  readonly kafka: PrivateKafka;
  readonly redis: PrivateRedis;
  readonly load: Load;
  readonly long: boolean;
  readonly log: Logger;
  readonly random: () => number;
  /** How long the load runs, in ms. */
  readonly loadMs: number;
  /** Resolves when the load is written. */
  readonly loadDone: Promise<number>;
  /** Adds a line to the case's details. */
  note(line: string): void;
}

/** One fault case of RELIABILITY.md. */
export interface FaultCase {
  readonly name: string;
  /** The guarantee of ARCHITECTURE.md it supports. */
  readonly guarantee: string;
  /** Needs its own 3-broker private cluster instead of the suite's single broker. */
  readonly cluster3?: boolean;
  /** Needs its own Redis primary + replica (failover) instead of the suite's single Redis. */
  readonly redisReplica?: boolean;
  readonly world?: Partial<Omit<WorldOptions, 'dir' | 'log' | 'brokers' | 'redisUrl'>>;
  /** Events written (short, long) and their rate per second. */
  readonly load: { readonly short: number; readonly long: number; readonly perSecond: number };
  /** Set when duplicate messages cannot be avoided in this case: why (they are measured, not failed). */
  readonly duplicatesUnavoidable?: string;
  /** Runs the fault while the load is written. */
  act(ctx: FaultContext): Promise<void>;
  /** Extra expectation beyond 0 lost / 0 duplicates; returns a problem or undefined. */
  check?(tally: Tally, ctx: FaultContext): string | undefined;
}

/** A case's outcome. */
export interface FaultResult {
  readonly name: string;
  readonly guarantee: string;
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly tally: Tally;
  readonly unexpectedExits: number;
  readonly seconds: number;
  readonly notes: readonly string[];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A random moment in [lo, hi) ms. */
export const between = (random: () => number, lo: number, hi: number): number =>
  lo + Math.floor(random() * (hi - lo));
