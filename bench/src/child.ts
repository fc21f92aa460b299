import { readFileSync } from 'node:fs';
import { startServiceProcess } from '@kube-herald/process';
import { ROOT } from './paths.js';

/** A service (collector, notifier) running as a separate process, so it can be killed with SIGKILL. */
export interface Child {
  readonly name: string;
  pid(): number | undefined;
  running(): boolean;
  /** Polls `readyUrl` until it answers 200 (throws when the child exits or after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, SIGKILL after `deadlineMs`. */
  stop(deadlineMs?: number): Promise<void>;
  /** CPU seconds (user+system) and peak RSS in MB, from /proc while it runs. */
  usage(): { cpuSeconds: number; peakRssMb: number };
  /** How many times it exited without being asked to. */
  unexpectedExits(): number;
}

/** Options of {@link startChild}. */
export interface ChildOptions {
  readonly name: string;
  /** The script and its arguments, run by this Node with the `source` condition and tsx. */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly readyUrl?: string;
  /** Run compiled JavaScript (a `dist/` file, as in the image) instead of TypeScript sources through tsx. */
  readonly compiled?: boolean;
  /** Extra Node options, e.g. `--cpu-prof` (scripts/bench.sh passes `KH_BENCH_NODE_ARGS`). */
  readonly nodeArgs?: readonly string[];
}

const TICKS = 100; // USER_HZ on Linux

function procUsage(pid: number): { cpuSeconds: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return { cpuSeconds: cpu, peakRssMb: hwm ? Number(hwm[1]) / 1024 : 0 };
}

/**
 * The parent's environment without `KH_*`: the services read overrides such as `KH_KAFKA_BROKERS` from the
 * environment, and under `npm test` those name the shared test services, not this run's private ones.
 */
function inheritedEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KH_')));
}

/** Spawns `node --conditions=source --import tsx <args>` (or `node <args>` when compiled) in the repository root. */
export function startChild(o: ChildOptions): Child {
  let unexpected = 0;
  let last = { cpuSeconds: 0, peakRssMb: 0 };
  // Compiled services run as in the image: plain `node` on dist/ (no tsx loader thread, libraries from
  // their dist/ too); sources run through tsx with the `source` condition.
  const runner = o.compiled ? [] : ['--conditions=source', '--import', 'tsx'];
  const p = startServiceProcess({
    name: o.name,
    args: [...runner, ...(o.nodeArgs ?? []), ...o.args],
    env: { ...inheritedEnv(), ...o.env },
    cwd: ROOT,
    logFile: o.logFile,
    readyUrl: o.readyUrl,
    onExit: (_, requested) => {
      if (!requested) unexpected += 1;
    },
  });
  return {
    name: o.name,
    pid: () => p.pid,
    running: () => p.running(),
    ready: (timeoutMs = 60_000) => p.ready(timeoutMs),
    kill9: () => p.kill9(),
    stop: (deadlineMs = 20_000) => p.stop(deadlineMs),
    usage() {
      if (p.running() && p.pid !== undefined) {
        try {
          last = procUsage(p.pid);
        } catch {
          // the process ended between the check and the read: keep the last sample
        }
      }
      return last;
    },
    unexpectedExits: () => unexpected,
  };
}
