import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfigFile } from '@kube-herald/config';
import type { Logger } from '@kube-herald/logging';
import { usageError } from '../exit-codes.js';
import { ioOf, stopRequest } from '../io.js';
import type { CliIo } from '../io.js';
import type { Env, SetExit } from '../command-types.js';
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

/** A stand-in's `--config` file: `shape` and the `http:` block. Strict: a misspelt key is reported with its path. */
function standinFileSchema<S extends z.ZodRawShape>(defaultPort: number, shape: S) {
  return z.strictObject({ http: standinHttpSchema(defaultPort), ...shape });
}

/** A stand-in's `--config` file as read. */
export type StandinFile<S extends z.ZodRawShape> = Readonly<
  z.output<ReturnType<typeof standinFileSchema<S>>>
> & {
  readonly http: { readonly port: number; readonly host: string };
};

/** How a stand-in command is declared. */
export interface StandinCommandSpec<F extends StandinFlags, S extends z.ZodRawShape> {
  readonly name: string;
  readonly description: string;
  /** The `--config` file: its help (the keys) and its keys besides `http:`; no `--config` option when absent. */
  readonly config?: { readonly help: string; readonly shape: S };
  /** Port when neither `--port` nor the file's `http.port` is given. */
  readonly defaultPort: number;
  /** The repeatable option naming the robots / bots / channels, e.g. `--robot <spec>`, and its help. */
  readonly targets: readonly [flags: string, help: string];
  /** Adds the stand-in's other options (rates), listed after the targets. */
  readonly options: (cmd: Command) => Command;
  /** Help after the options: examples, where the webhooks and the control API are. */
  readonly helpAfter: string;
  /** Makes the stand-in from the flags and the `--config` file (when given), with the command's logger. */
  readonly build: (flags: F, log: Logger, file: StandinFile<S> | undefined) => StandinAnnouncement;
}

/**
 * Registers a stand-in command: `--config` (when it has one), `--port`, `--host` (defaults: the file's `http:`
 * block, else `defaultPort` on 127.0.0.1), its targets and options, `--log-level`; its action serves what
 * `build` makes until Ctrl-C ({@link serveStandin}), then exits 0.
 */
export function registerStandinCommand<F extends StandinFlags, S extends z.ZodRawShape>(
  program: Command,
  env: Env,
  setExit: SetExit,
  spec: StandinCommandSpec<F, S>,
): void {
  const { config } = spec;
  const schema = config && standinFileSchema(spec.defaultPort, config.shape);
  const cmd = program.command(spec.name).description(spec.description);
  const orFile = (key: string): string => (config === undefined ? ' ' : `: http.${key} or `);
  if (config !== undefined) cmd.option('--config <file>', config.help);
  cmd
    .option(
      '--port <port>',
      `port to listen on (default${orFile('port')}${spec.defaultPort}; 0 = a free one)`,
    )
    .option(
      '--host <address>',
      `address to listen on (default${orFile('host')}127.0.0.1; 0.0.0.0 in a container)`,
    )
    .option(spec.targets[0], spec.targets[1], repeatable, [] as string[]);
  spec
    .options(cmd)
    .option('--log-level <level>', 'log level of the JSON logs on stderr', 'info')
    .addHelpText('after', spec.helpAfter)
    .action(async (flags: F, command: Command) => {
      const io = ioOf(command);
      const log = cliLogger(io, flags.logLevel, spec.name);
      // The schema has `http:` whatever `S` is (TypeScript cannot see it through the generic spread).
      const file = (schema && flags.config ? loadConfigFile(schema, flags.config, env) : undefined) as
        StandinFile<S> | undefined;
      const { standin, ...announce } = spec.build(flags, log, file);
      await serveStandin(io, standin, { ...listenAddress(flags, file?.http, spec.defaultPort), ...announce });
      setExit(0);
    });
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

/**
 * The signed robots / bots (DingTalk `--robot`, Feishu `--bot`) of the `--config` file, then those of the
 * flag's specs; none at all is a usage error.
 */
export function signedTargets(
  flag: '--robot' | '--bot',
  fromFile: readonly SignedTargetSpec[] | undefined,
  specs: readonly string[],
): SignedTargetSpec[] {
  const parsed = specs.map((spec) => parseSignedTargetSpec(flag, spec));
  return allTargets(
    fromFile,
    parsed,
    `no ${flag.slice(2)}: give ${flag} name=..,token=.. or --config <file>`,
  );
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

/** What a stand-in command serves and how it announces it. */
export interface StandinAnnouncement extends Omit<ServeOptions, 'port' | 'host'> {
  readonly standin: RunnableStandin;
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
