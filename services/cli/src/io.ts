import type { Command } from 'commander';

/** Where a command writes and reads: the process streams, or captured ones in tests. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stdin: NodeJS.ReadableStream;
  /**
   * Stops long-running commands (tests, embedding). When absent, SIGINT/SIGTERM of the process do.
   */
  readonly signal?: AbortSignal;
}

let pipeHandled = false;

// `kube-herald … | head -1`: the reader closing the pipe is how such a pipeline ends, as SIGPIPE ends a C
// program quietly. Later writes to the destroyed stream are dropped; the command finishes (or is stopped)
// as usual. Any other stdout error is rethrown.
function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  process.stdout.destroy();
}

/** The streams of this process. */
export function processIo(): CliIo {
  if (!pipeHandled) {
    pipeHandled = true;
    process.stdout.on('error', onStdoutError);
  }
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

const ioByProgram = new WeakMap<Command, CliIo>();

/** Attaches the io to the root program (called once by `runCli`). */
export function attachIo(program: Command, io: CliIo): void {
  ioByProgram.set(program, io);
}

/** The io of the program a (sub-)command belongs to. */
export function ioOf(cmd: Command): CliIo {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  return ioByProgram.get(root) ?? processIo();
}

/**
 * Resolves with the reason when the command must stop: `io.signal` aborted, or SIGINT/SIGTERM. The
 * returned `dispose` removes the signal handlers (always call it).
 */
export function stopRequest(io: CliIo): { readonly stopped: Promise<string>; dispose(): void } {
  const cleanups: (() => void)[] = [];
  const stopped = new Promise<string>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) return resolve('aborted');
      const on = (): void => resolve('aborted');
      io.signal.addEventListener('abort', on, { once: true });
      cleanups.push(() => io.signal?.removeEventListener('abort', on));
      return;
    }
    const on = (sig: NodeJS.Signals): void => resolve(sig);
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
    cleanups.push(() => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    });
  });
  return { stopped, dispose: () => cleanups.splice(0).forEach((c) => c()) };
}

/** Reads all of a stream as UTF-8 text (for `--event -`). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
