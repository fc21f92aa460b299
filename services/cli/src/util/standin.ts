import type { Command } from 'commander';
import { z } from 'zod';
import type { Logger } from '@kube-herald/logging';
import { usageError } from '../exit-codes.js';
import { ioOf, stopRequest } from '../io.js';
import type { CliIo } from '../io.js';
import { cliLogger } from './logger.js';

/** The `http:` block of a stand-in's `--config` file. */
export function standinHttpSchema(defaultPort: number) {
  return z
    .strictObject({
      port: z.number().int().min(0).max(65_535).default(defaultPort),
      host: z.string().min(1).default('127.0.0.1'),
    })
    .prefault({});
}

/**
 * A signed robot / bot of a `--config` file (DingTalk, Feishu), with the platform's `token` rule. Strict: a
 * misspelt key (`keyword:`) is reported with its path instead of ignored.
 */
export function signedTargetSchema(token: z.ZodString) {
  return z.strictObject({
    name: z.string().min(1),
    token,
    secret: z.string().min(1).optional(),
    keywords: z.array(z.string().min(1)).max(10).optional(),
    ipAllowlist: z.array(z.string().min(1)).optional(),
  });
}

/** The flags every stand-in command with a `--config` file takes. */
export interface StandinFlags {
  readonly config?: string;
  readonly port?: string;
  readonly host?: string;
  readonly rate?: string;
  readonly logLevel: string;
}

/** Where to listen: the flags, else the `--config` file's `http:` block, else `defaultPort` on 127.0.0.1. */
export function listenAddress(
  flags: Pick<StandinFlags, 'port' | 'host'>,
  http: { readonly port: number; readonly host: string } | undefined,
  defaultPort: number,
): { readonly port: number; readonly host: string } {
  return {
    port: flags.port === undefined ? (http?.port ?? defaultPort) : portFlag(flags.port),
    host: flags.host ?? http?.host ?? '127.0.0.1',
  };
}

/**
 * The `name` command of a stand-in with a `--config` file (described by `configHelp`), `--port` and `--host`
 * (whose defaults are the file's `http:` block, else `defaultPort` on 127.0.0.1).
 */
export function standinCommand(
  program: Command,
  name: string,
  description: string,
  configHelp: string,
  defaultPort: number,
): Command {
  return program
    .command(name)
    .description(description)
    .option('--config <file>', configHelp)
    .option('--port <port>', `port to listen on (default: http.port or ${defaultPort}; 0 = a free one)`)
    .option(
      '--host <address>',
      'address to listen on (default: http.host or 127.0.0.1; 0.0.0.0 in a container)',
    );
}

/** The robots / bots of the `--config` file, then those of the flags; none at all is a usage error. */
export function allTargets<T>(
  fromFile: readonly T[] | undefined,
  fromFlags: readonly T[],
  none: string,
): T[] {
  const all = [...(fromFile ?? []), ...fromFlags];
  if (all.length === 0) throw usageError(none);
  return all;
}

/** Parses a positive whole-number flag; `fallback` when it is not given. */
export function positiveIntFlag(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag}: "${text}" is not a positive integer`);
  return n;
}

/** Commander collector of a repeatable option. */
export const repeatable = (v: string, acc: string[]): string[] => [...acc, v];

/** Parses a `--port` value (0: a free one). */
export function portFlag(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw usageError(`--port: "${text}" is not a port number`);
  return n;
}

/** A signed robot / bot as `--robot` (DingTalk) and `--bot` (Feishu) give it. */
export interface SignedTargetSpec {
  readonly name: string;
  readonly token: string;
  readonly secret?: string;
  readonly keywords?: string[];
  readonly ipAllowlist?: string[];
}

/** Parses `name=oncall,token=t1,secret=s1,keyword=K8s,keyword=Pod,ip=10.0.0.1` given to `flag`. */
export function parseSignedTargetSpec(flag: string, spec: string): SignedTargetSpec {
  const fields: Record<string, string> = {};
  const keywords: string[] = [];
  const ips: string[] = [];
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw usageError(`${flag}: "${part}" is not key=value (in "${spec}")`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'keyword' || key === 'keywords') keywords.push(...value.split('|').filter(Boolean));
    else if (key === 'ip') ips.push(value);
    else if (key === 'name' || key === 'token' || key === 'secret') fields[key] = value;
    else throw usageError(`${flag}: unknown key "${key}" (use name, token, secret, keyword, ip)`);
  }
  if (!fields.name || !fields.token) throw usageError(`${flag}: name= and token= are required in "${spec}"`);
  return {
    name: fields.name,
    token: fields.token,
    ...(fields.secret ? { secret: fields.secret } : {}),
    ...(keywords.length ? { keywords } : {}),
    ...(ips.length ? { ipAllowlist: ips } : {}),
  };
}

/** What the CLI needs of a stand-in. */
export interface RunnableStandin {
  start(port?: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
  webhookFor(name: string): string;
}

/** How a stand-in command announces itself. */
export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  /** The first stdout line, given the listening URL. */
  readonly banner: (url: string) => string;
  /** Printed before each webhook: `robot`, `bot`, `channel`. */
  readonly kind: string;
  readonly names: readonly string[];
}

/**
 * The action of the stand-in command `name`: `build` makes the stand-in with the command's JSON logger
 * (stderr, at `logLevel`), which is then served as {@link serveStandin} does.
 */
export async function runStandinCommand(
  cmd: Command,
  logLevel: string,
  name: string,
  build: (log: Logger) => { readonly standin: RunnableStandin; readonly serve: ServeOptions },
): Promise<void> {
  const io = ioOf(cmd);
  const { standin, serve } = build(cliLogger(io, logLevel, name));
  await serveStandin(io, standin, serve);
}

/** Starts `standin`, prints its address and webhooks on stdout, and runs it until Ctrl-C (or the io's abort). */
export async function serveStandin(io: CliIo, standin: RunnableStandin, opts: ServeOptions): Promise<void> {
  const stop = stopRequest(io);
  try {
    const { url } = await standin.start(opts.port, opts.host);
    io.stdout.write(`${opts.banner(url)}\n`);
    for (const name of opts.names) io.stdout.write(`  ${opts.kind} ${name}: ${standin.webhookFor(name)}\n`);
    await stop.stopped;
  } finally {
    stop.dispose();
    await standin.close();
  }
}
