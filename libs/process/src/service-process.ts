import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@kube-herald/logging';

/** How a service process ended: `code` is null when a signal ended it, -1 when it could not be started. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link startServiceProcess}. */
export interface ServiceProcessOptions {
  readonly name: string;
  /** Arguments of this Node (`process.execPath`): Node options, then the script and its arguments. */
  readonly args: readonly string[];
  /** The child's whole environment (nothing else is inherited). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** stdout and stderr of the child are appended to this file (written by the child itself). */
  readonly logFile: string;
  /** `http://127.0.0.1:<port>/readyz` of the child, polled by {@link ServiceProcess.ready}. */
  readonly readyUrl?: string;
  /** Where start, stop, unexpected exits and kills after the deadline are logged (nothing without it). */
  readonly log?: Logger;
  /** Called once when the process ended; `requested` is false when it ended without stop() or kill9(). */
  readonly onExit?: (exit: ProcessExit, requested: boolean) => void;
}

/** A service (collector, notifier) running as a child process of this one. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number | undefined;
  running(): boolean;
  /** Resolves when the process ended (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /**
   * Resolves when the child answers 200 on `readyUrl` (at once without one while it runs); rejects as soon
   * as it exits, or after `timeoutMs`, naming its log file.
   */
  ready(timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL when it has not exited after `deadlineMs`; resolves once it ended. Idempotent. */
  stop(deadlineMs: number): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
}

const READY_POLL_MS = 200;

/** True when `url` answers 2xx within 2 s. */
async function answersOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    // not listening yet: the caller polls again until its deadline
    return false;
  }
}

/** Spawns `node <args>` with its output appended to `logFile`; see {@link ServiceProcess}. */
export function startServiceProcess(o: ServiceProcessOptions): ServiceProcess {
  const log = o.log?.child({ component: 'child', service: o.name });
  let requested = false;
  let ended: ProcessExit | undefined;
  let stopping: Promise<void> | undefined;
  let settle: (exit: ProcessExit) => void = () => undefined;
  const exited = new Promise<ProcessExit>((resolve) => (settle = resolve));
  // The child writes its log file itself: nothing passes through this process's event loop.
  const fd = openSync(o.logFile, 'a');
  const c = (() => {
    try {
      return spawn(process.execPath, [...o.args], {
        cwd: o.cwd,
        env: { ...o.env },
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
  })();
  const end = (exit: ProcessExit): void => {
    if (ended) return;
    ended = exit;
    if (requested) log?.info(exit, `${o.name} stopped`);
    else log?.error(exit, `${o.name} exited`);
    o.onExit?.(exit, requested);
    settle(exit);
  };
  c.once('exit', (code, signal) => end({ code, signal }));
  c.once('error', (err) => {
    log?.error({ err }, `${o.name} could not start`);
    end({ code: -1, signal: null });
  });
  log?.info({ pid: c.pid, args: o.args, logFile: o.logFile }, `${o.name} started`);
  const running = (): boolean => !ended && c.exitCode === null && c.signalCode === null;

  async function doStop(deadlineMs: number): Promise<void> {
    requested = true;
    if (!running()) {
      await exited;
      return;
    }
    c.kill('SIGTERM');
    const wait = new AbortController();
    const late = sleep(deadlineMs, true, { signal: wait.signal }).catch(() => false);
    const tooLate = await Promise.race([exited.then(() => false), late]);
    wait.abort();
    if (tooLate) {
      log?.warn({ pid: c.pid }, `${o.name} did not stop in time, killing`);
      c.kill('SIGKILL');
      await exited;
    }
  }

  return {
    name: o.name,
    pid: c.pid,
    running,
    exited,
    async ready(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (!running()) {
          const exit = await exited;
          throw new Error(`${o.name} exited with code ${String(exit.code)} (see ${o.logFile})`);
        }
        if (!o.readyUrl || (await answersOk(o.readyUrl))) return;
        await sleep(READY_POLL_MS);
      }
      throw new Error(`${o.name} not ready after ${timeoutMs} ms (see ${o.logFile})`);
    },
    stop(deadlineMs) {
      return (stopping ??= doStop(deadlineMs));
    },
    async kill9() {
      requested = true;
      if (running()) c.kill('SIGKILL');
      await exited;
    },
  };
}
