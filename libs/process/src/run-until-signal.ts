import type { Logger } from '@kube-herald/logging';
import { closeInOrder, type CloseStep } from './close-in-order.js';

/** Where a starting service registers how to close each part, in start order. */
export interface Closers {
  /** Registers `close` for the part named `name`; parts close in reverse registration order. */
  add(name: string, close: () => Promise<void>): void;
}

/** Options of {@link runUntilSignal}. */
export interface RunUntilSignalOptions {
  /** The service's name in log lines (`<name> started`, `<name> stopping`, `<name> stopped`). */
  readonly name: string;
  /**
   * Starts the parts. Register a part's closer as soon as it exists (before awaiting its start), so that a
   * failed or interrupted start closes what already runs. `stopped` resolves with the reason to stop (a
   * start that must not be waited for can reject when it does).
   */
  start(closers: Closers, stopped: Promise<string>): Promise<void>;
  /** The whole ordered close must end within this; past it, the run logs what is still closing and ends. */
  readonly deadlineMs: number;
  readonly log: Logger;
  /** Signals that stop the run (default SIGTERM and SIGINT; `[]` when `stop` alone decides). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Any other reason to stop (a duration, an abort signal, a failed child), resolving with its name. */
  readonly stop?: Promise<string>;
  /** Exit code for a start that failed with `err` (default 1). */
  exitCodeOf?(err: unknown): number;
}

/** How a run ended. */
export interface RunOutcome {
  /** 0 when it started and closed cleanly; the start failure's code; 1 when a close step failed. */
  readonly code: number;
  /** What stopped it (a signal or the `stop` reason); undefined when its start failed first. */
  readonly reason: string | undefined;
  /** True when the start was interrupted before it finished, or failed. */
  readonly startedFully: boolean;
}

/**
 * Runs a service until SIGTERM/SIGINT (or `stop`): starts it (listening for the signal before anything
 * connects), waits, then closes its parts in reverse start order within `deadlineMs`. A signal during the
 * start stops it too, once the start has settled. Never rejects: failures are logged and become the code.
 */
export async function runUntilSignal(opts: RunUntilSignalOptions): Promise<RunOutcome> {
  const { name, log } = opts;
  const stopped = stopSignal(opts.signals ?? ['SIGTERM', 'SIGINT'], opts.stop);
  const closers: CloseStep[] = [];
  let startCode = 0;
  let reason: string | undefined;
  let startedFully = false;
  try {
    const add = (part: string, close: () => Promise<void>): void => void closers.unshift([part, close]);
    const started = opts.start({ add }, stopped.reason).then(
      () => 'started' as const,
      (err: unknown) => {
        startCode = opts.exitCodeOf?.(err) ?? 1;
        log.error({ err, code: errorCodeOf(err) }, `${name} failed to start`);
        return 'failed' as const;
      },
    );
    const first = await Promise.race([started, stopped.reason]);
    if (first === 'started') {
      startedFully = true;
      reason = await stopped.reason;
      log.info({ signal: reason }, `${name} stopping`);
    } else if (first !== 'failed') {
      reason = first;
      log.info({ signal: reason }, `${name} stopping during start`);
      await started;
    }
  } finally {
    stopped.dispose();
  }
  const report = await closeInOrder(closers, opts.deadlineMs);
  for (const { part, err } of report.failures) log.error({ err, part }, 'shutdown step failed');
  if (report.lateAt !== undefined)
    log.warn(
      { deadlineMs: opts.deadlineMs, part: report.lateAt },
      'shutdown did not finish in time; exiting anyway',
    );
  const closeCode = report.failures.length > 0 ? 1 : 0;
  const code = startCode || closeCode;
  log.info({ code }, `${name} stopped`);
  return { code, reason, startedFully };
}

function errorCodeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
}

/** Resolves with the first of `signals` (or the `stop` reason); listening starts at once. */
function stopSignal(
  signals: readonly NodeJS.Signals[],
  stop: Promise<string> | undefined,
): { readonly reason: Promise<string>; dispose(): void } {
  let resolve: (s: string) => void = () => undefined;
  const reason = new Promise<string>((r) => (resolve = r));
  const handlers = signals.map((signal) => [signal, () => resolve(signal)] as const);
  for (const [signal, on] of handlers) process.once(signal, on);
  void stop?.then(resolve);
  return { reason, dispose: () => handlers.forEach(([signal, on]) => process.off(signal, on)) };
}
