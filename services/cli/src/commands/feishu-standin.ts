import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfigFile } from '@kube-herald/config';
import { createFeishuStandin, type StandinBot } from '@kube-herald/feishu-standin';
import type { Env, SetExit } from '../command-types.js';
import { usageError } from '../exit-codes.js';
import { ioOf } from '../io.js';
import { cliLogger } from '../util/logger.js';
import {
  parseSignedTargetSpec,
  portFlag,
  repeatable,
  serveStandin,
  standinHttpSchema,
} from '../util/standin.js';

// Strict objects: a misspelt key (`hots:`, `keyword:`) is reported with its path instead of ignored.
const botSchema = z.strictObject({
  name: z.string().min(1),
  token: z.string().regex(/^[\w-]{1,128}$/, 'letters, digits, "_" and "-"'),
  secret: z.string().min(1).optional(),
  keywords: z.array(z.string().min(1)).max(10).optional(),
  ipAllowlist: z.array(z.string().min(1)).optional(),
});

/** `--config` file of the stand-in; flags override it. */
const standinFileSchema = z.strictObject({
  http: standinHttpSchema(8083),
  ratePerMinute: z.number().int().positive().default(100),
  ratePerSecond: z.number().int().positive().default(5),
  maxBodyBytes: z.number().int().positive().default(20_000),
  bots: z.array(botSchema).min(1),
});

interface StandinFlags {
  readonly config?: string;
  readonly port?: string;
  readonly host?: string;
  readonly bot: string[];
  readonly rate?: string;
  readonly ratePerSecond?: string;
  readonly logLevel: string;
}

/** Parses `name=ops,token=t1,secret=s1,keyword=K8s,ip=10.0.0.1`. */
export function parseBotSpec(spec: string): StandinBot {
  return parseSignedTargetSpec('--bot', spec);
}

function positive(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag}: "${text}" is not a positive integer`);
  return n;
}

function settings(flags: StandinFlags, env: Env) {
  const file = flags.config ? loadConfigFile(standinFileSchema, flags.config, env) : undefined;
  const bots = [...(file?.bots ?? []), ...flags.bot.map(parseBotSpec)];
  if (bots.length === 0) throw usageError('no bot: give --bot name=..,token=.. or --config <file>');
  return {
    bots,
    ratePerMinute: positive('--rate', flags.rate, file?.ratePerMinute ?? 100),
    ratePerSecond: positive('--rate-per-second', flags.ratePerSecond, file?.ratePerSecond ?? 5),
    maxBodyBytes: file?.maxBodyBytes ?? 20_000,
    port: flags.port === undefined ? (file?.http.port ?? 8083) : portFlag(flags.port),
    host: flags.host ?? file?.http.host ?? '127.0.0.1',
  };
}

/** `kube-herald feishu-standin`: the Feishu / Lark custom-bot stand-in, standalone. */
export function registerFeishuStandin(program: Command, env: Env, setExit: SetExit): void {
  program
    .command('feishu-standin')
    .description(
      'Run the Feishu / Lark custom-bot stand-in (same API, body signing, keywords, 100/min and 5/s per bot as a real bot).',
    )
    .option(
      '--config <file>',
      'YAML file: http.host, http.port, ratePerMinute, ratePerSecond, maxBodyBytes, bots[name, token, secret, keywords, ipAllowlist]; flags override it',
    )
    .option('--port <port>', 'port to listen on (default: http.port or 8083; 0 = a free one)')
    .option(
      '--host <address>',
      'address to listen on (default: http.host or 127.0.0.1; 0.0.0.0 in a container)',
    )
    .option(
      '--bot <spec>',
      'a bot: name=..,token=..[,secret=..][,keyword=..]...[,ip=..] (repeatable)',
      repeatable,
      [] as string[],
    )
    .option('--rate <n>', 'accepted messages per bot per minute (default: ratePerMinute or 100, as Feishu)')
    .option('--rate-per-second <n>', 'accepted messages per bot per second (default: ratePerSecond or 5)')
    .option('--log-level <level>', 'log level of the JSON logs on stderr', 'info')
    .addHelpText(
      'after',
      `
Examples:
  kube-herald feishu-standin --port 8083 --bot name=oncall,token=t1,secret=s1 --bot name=staging,token=t2,keyword=K8s

The webhooks are printed on stdout (signing secrets are not); messages, stats and fault injection are under
<address>/_standin/ (messages, stats, bots, faults, reset). Ctrl-C stops it.`,
    )
    .action(async (flags: StandinFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const s = settings(flags, env);
      const log = cliLogger(io, flags.logLevel, 'feishu-standin');
      const standin = createFeishuStandin({
        bots: s.bots,
        ratePerMinute: s.ratePerMinute,
        ratePerSecond: s.ratePerSecond,
        maxBodyBytes: s.maxBodyBytes,
        log,
      });
      await serveStandin(io, standin, {
        port: s.port,
        host: s.host,
        banner: (url) => `Feishu stand-in listening on ${url} (control API: ${url}/_standin/)`,
        kind: 'bot',
        names: s.bots.map((b) => b.name),
      });
      setExit(0);
    });
}
