import { ConfigError } from '@kube-herald/config';
import { KhError, isKhError } from '@kube-herald/errors';
import { maskSecrets } from '@kube-herald/logging';

/**
 * Exit codes of `kube-herald` (documented in `--help` and the README):
 * 0 ok · 1 usage or configuration · 2 runtime (unreachable Kafka/Redis, missing topic, I/O) ·
 * 3 delivery failed (DingTalk refused, failed sends) · 130 interrupted (Ctrl-C).
 */
export const ExitCode = {
  ok: 0,
  usage: 1,
  config: 1,
  runtime: 2,
  delivery: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Help text listing the exit codes. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    usage or configuration error (unknown flag, unreadable time, empty range, invalid config)
  2    runtime error (Kafka or Redis unreachable, topic missing, file not readable)
  3    delivery failed (DingTalk refused the message, sends failed)
  130  interrupted (Ctrl-C); nothing half-done was committed
`;

/** An error of the command line carrying its exit code; its message is one line for the user. */
export class CliError extends KhError {
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A usage error (exit 1): bad flag values, unreadable times, empty ranges. */
export function usageError(message: string): CliError {
  return new CliError('cli_usage', message, ExitCode.usage);
}

/** A runtime error (exit 2): something the command depends on is unreachable or missing. */
export function runtimeError(message: string, cause?: unknown): CliError {
  return new CliError('cli_runtime', message, ExitCode.runtime, cause);
}

/** The exit code for an error that ended a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ConfigError) return ExitCode.config;
  if (isKhError(err) && err.code === 'config_invalid') return ExitCode.config;
  // bad input named by the libraries: kube_eventer_sink_invalid, silence_invalid, matcher_invalid, …
  if (isKhError(err) && err.code.endsWith('_invalid')) return ExitCode.usage;
  return ExitCode.runtime;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** What the user sees on stderr: every `path: problem` of a config error, else one line (secrets masked). */
export function errorText(err: unknown): string {
  return maskSecrets(rawErrorText(err));
}

function rawErrorText(err: unknown): string {
  if (err instanceof ConfigError)
    return `kube-herald: invalid configuration\n${err.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}\n`;
  if (err instanceof CliError) return `kube-herald: ${firstLine(err.message)}\n`;
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${firstLine(err.cause.message)}` : '';
    return `kube-herald: ${firstLine(err.message)}${cause}\n`;
  }
  return `kube-herald: ${String(err)}\n`;
}
