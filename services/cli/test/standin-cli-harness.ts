import { Readable } from 'node:stream';
import { waitFor } from '@kube-herald/testing';
import { runCli } from '../src/main.js';

/** A chat stand-in command running in-process. */
export interface RunningStandinCli {
  /** The printed webhooks by robot / bot / channel name. */
  readonly webhooks: Map<string, string>;
  /** Everything it wrote on stdout so far. */
  readonly out: () => string;
  /** Stops it (as Ctrl-C does); resolves to its exit code. */
  stop(): Promise<number>;
}

/**
 * Runs `kube-herald <command> …argv --log-level warn` in-process until `stop()`, once it has printed its
 * webhooks (`  <kind> <name>: <url>` lines, all written at once); throws when it exits first.
 */
export async function startStandinCli(
  command: string,
  kind: 'robot' | 'bot' | 'channel',
  argv: readonly string[],
): Promise<RunningStandinCli> {
  const abort = new AbortController();
  let out = '';
  let err = '';
  const running = runCli(
    [command, ...argv, '--log-level', 'warn'],
    {},
    {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      stdin: Readable.from(['']),
      signal: abort.signal,
    },
  );
  let exited: number | undefined;
  void running.then((code) => (exited = code));
  await waitFor(
    () => {
      if (exited !== undefined) throw new Error(`exited ${exited}: ${err}`);
      return new RegExp(`${kind} \\S+: `).test(out);
    },
    { what: 'the stand-in to print its webhooks' },
  );
  const lines = out.matchAll(new RegExp(`${kind} (\\S+): (\\S+)`, 'g'));
  const webhooks = new Map([...lines].map((m) => [m[1]!, m[2]!]));
  return {
    webhooks,
    out: () => out,
    stop: () => {
      abort.abort();
      return running;
    },
  };
}
