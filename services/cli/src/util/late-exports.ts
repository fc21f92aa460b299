import type { Redis } from 'ioredis';
import type { Env } from '../main.js';
import { runtimeError } from '../exit-codes.js';

// Functions the CLI needs from the services' public entries that were not exported when the CLI was
// written (kube-eventer translation, silences, runCollector). They are looked up by package name at run
// time; once the packages export them, these become plain static imports.

/** A silence as the notifier stores it. */
export interface SilenceView {
  readonly id: string;
  readonly matchers: readonly { readonly field: string; readonly op: string; readonly value: string }[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
}

/** The notifier's silence store, as used here. */
export interface SilenceStoreView {
  start(): Promise<void>;
  add(input: {
    matchers: readonly string[];
    for: string;
    createdBy: string;
    comment: string;
  }): Promise<SilenceView>;
  list(opts?: { readonly includeExpired?: boolean }): Promise<SilenceView[]>;
  expire(id: string): Promise<SilenceView>;
  match(event: unknown, now?: number): SilenceView | undefined;
  close(): Promise<void>;
}

interface LateExports {
  readonly notifier: {
    kubeEventerSinksToConfig(
      sinks: readonly string[],
      opts?: { kafkaBrokers?: string; redisUrl?: string },
    ): Record<string, unknown>;
    createSilenceStore(opts: { redis: Redis; prefix: string }): SilenceStoreView;
  };
  readonly collector: {
    runCollector(argv: readonly string[], env: Env): Promise<number>;
  };
}

async function load(pkg: keyof LateExports): Promise<Record<string, unknown>> {
  return pkg === 'notifier' ? await import('@kube-herald/notifier') : await import('@kube-herald/collector');
}

/** The named function of a service package's public entry (exit 2 when the package does not export it). */
export async function lateExport<P extends keyof LateExports, N extends keyof LateExports[P] & string>(
  pkg: P,
  name: N,
): Promise<LateExports[P][N]> {
  const fn = (await load(pkg))[name];
  if (typeof fn !== 'function')
    throw runtimeError(`this build of @kube-herald/${pkg} does not export ${name}`);
  return fn as LateExports[P][N];
}
