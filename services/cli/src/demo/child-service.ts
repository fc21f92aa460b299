import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@kube-herald/logging';

/** Options of {@link createChildService}. */
export interface ChildServiceOptions {
  readonly name: string;
  /** Node arguments (script and its arguments). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** stdout and stderr of the child go here. */
  readonly logFile: string;
  /** `http://127.0.0.1:<port>/readyz` of the child, polled by {@link ChildService.ready}. */
  readonly readyUrl?: string;
  readonly log: Logger;
  /** How long close() waits after SIGTERM before SIGKILL (default 15 s: the services allow themselves 10 s). */
  readonly stopDeadlineMs?: number;
}

/** A real service (collector, notifier) running as a child process of the demo. */
export interface ChildService {
  readonly name: string;
  start(): void;
  /** Resolves when the child answers its readiness probe; rejects when it exits or time runs out. */
  ready(timeoutMs: number): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal, -1 when it could not start). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after the deadline. Idempotent. */
  close(): Promise<void>;
}

/** Creates a {@link ChildService}. */
export function createChildService(o: ChildServiceOptions): ChildService {
  const log = o.log.child({ component: 'child', service: o.name });
  let child: ChildProcess | undefined;
  let out: WriteStream | undefined;
  let code: number | null | undefined;
  let onExit: (code: number | null) => void = () => undefined;
  const exited = new Promise<number | null>((resolve) => (onExit = resolve));
  let closing: Promise<void> | undefined;

  async function doClose(): Promise<void> {
    const c = child;
    if (!c) return;
    if (code === undefined) {
      c.kill('SIGTERM');
      const stopWait = new AbortController();
      const deadline = sleep(o.stopDeadlineMs ?? 15_000, 'deadline' as const, {
        signal: stopWait.signal,
      }).catch(() => 'exited' as const);
      const first = await Promise.race([exited.then(() => 'exited' as const), deadline]);
      stopWait.abort();
      if (first === 'deadline') {
        log.warn({ pid: c.pid }, 'did not stop in time, killing');
        c.kill('SIGKILL');
        await exited;
      }
    }
    await new Promise<void>((resolve) => (out ? out.end(() => resolve()) : resolve()));
  }

  return {
    name: o.name,
    start() {
      out = createWriteStream(o.logFile, { flags: 'a' });
      const c = spawn(process.execPath, [...o.args], {
        cwd: o.cwd,
        env: { ...o.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      c.stdout.pipe(out, { end: false });
      c.stderr.pipe(out, { end: false });
      c.once('exit', (exitCode, signal) => {
        code = exitCode;
        if (closing) log.info({ exitCode, signal }, `${o.name} stopped`);
        else log.error({ exitCode, signal }, `${o.name} exited`);
        onExit(exitCode);
      });
      c.once('error', (err) => {
        code = -1;
        log.error({ err }, `${o.name} could not start`);
        onExit(-1);
      });
      log.info({ pid: c.pid, args: o.args, logFile: o.logFile }, `${o.name} started`);
    },
    async ready(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (code !== undefined)
          throw new Error(`${o.name} exited with code ${String(code)} (see ${o.logFile})`);
        if (!o.readyUrl) return;
        try {
          const res = await fetch(o.readyUrl, { signal: AbortSignal.timeout(2000) });
          await res.arrayBuffer();
          if (res.ok) return;
        } catch {
          // not listening yet: keep polling until the deadline
        }
        await sleep(250);
      }
      throw new Error(`${o.name} not ready after ${timeoutMs} ms (see ${o.logFile})`);
    },
    exited,
    close() {
      return (closing ??= doClose());
    },
  };
}
