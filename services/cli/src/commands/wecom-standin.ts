import type { Command } from 'commander';
import { z } from 'zod';
import { durationMs, loadConfigFile } from '@kube-herald/config';
import { createWecomStandin, type WecomStandinRobot } from '@kube-herald/wecom-standin';
import type { Env, SetExit } from '../command-types.js';
import { usageError } from '../exit-codes.js';
import { ioOf } from '../io.js';
import { cliLogger } from '../util/logger.js';
import { repeatable, serveStandin, standinHttpSchema } from '../util/standin.js';

// Strict objects: a misspelt key is reported with its path instead of ignored.
const fileSchema = z.strictObject({
  http: standinHttpSchema(8082),
  ratePerMinute: z.number().int().positive().default(20),
  throttle: durationMs.default(0),
  robots: z.array(z.strictObject({ name: z.string().min(1), key: z.string().min(1) })).min(1),
});

interface Flags {
  readonly config?: string;
  readonly port?: string;
  readonly host?: string;
  readonly robot: string[];
  readonly rate?: string;
  readonly logLevel: string;
}

/** Parses `name=ops,key=693a91f6-…`. */
export function parseWecomRobotSpec(spec: string): WecomStandinRobot {
  const fields: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw usageError(`--robot: "${part}" is not key=value (in "${spec}")`);
    const k = part.slice(0, eq).trim();
    if (k !== 'name' && k !== 'key') throw usageError(`--robot: unknown field "${k}" (use name, key)`);
    fields[k] = part.slice(eq + 1).trim();
  }
  if (!fields.name || !fields.key) throw usageError(`--robot: name= and key= are required in "${spec}"`);
  return { name: fields.name, key: fields.key };
}

function intFlag(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw usageError(`${flag}: "${text}" is not in ${min}..${max}`);
  return n;
}

function settings(flags: Flags, env: Env) {
  const file = flags.config ? loadConfigFile(fileSchema, flags.config, env) : undefined;
  const robots = [...(file?.robots ?? []), ...flags.robot.map(parseWecomRobotSpec)];
  if (robots.length === 0) throw usageError('no robot: give --robot name=..,key=.. or --config <file>');
  return {
    robots,
    ratePerMinute:
      flags.rate === undefined ? (file?.ratePerMinute ?? 20) : intFlag('--rate', flags.rate, 1, 10_000),
    throttleMs: file?.throttle ?? 0,
    port: flags.port === undefined ? (file?.http.port ?? 8082) : intFlag('--port', flags.port, 0, 65_535),
    host: flags.host ?? file?.http.host ?? '127.0.0.1',
  };
}

/** `kube-herald wecom-standin`: the WeCom group-robot stand-in, standalone. */
export function registerWecomStandin(program: Command, env: Env, setExit: SetExit): void {
  program
    .command('wecom-standin')
    .description(
      'Run the WeCom (企业微信) group-robot stand-in (same API, errcodes, byte limits and 20 msg/min limit per key as a real robot).',
    )
    .option(
      '--config <file>',
      'YAML file: http.host, http.port, ratePerMinute, throttle, robots[name, key]; flags override it',
    )
    .option('--port <port>', 'port to listen on (default: http.port or 8082; 0 = a free one)')
    .option(
      '--host <address>',
      'address to listen on (default: http.host or 127.0.0.1; 0.0.0.0 in a container)',
    )
    .option('--robot <spec>', 'a robot: name=..,key=.. (repeatable)', repeatable, [] as string[])
    .option('--rate <n>', 'accepted messages per robot per minute (default: ratePerMinute or 20, as WeCom)')
    .option('--log-level <level>', 'log level of the JSON logs on stderr', 'info')
    .addHelpText(
      'after',
      `
Examples:
  kube-herald wecom-standin --port 8082 --robot name=ops,key=k1 --robot name=dev,key=k2

The webhooks (…/cgi-bin/webhook/send?key=…) are printed on stdout; /_standin/messages, /_standin/stats
and /_standin/faults are the control API. Ctrl-C stops it.`,
    )
    .action(async (flags: Flags, cmd: Command) => {
      const io = ioOf(cmd);
      const s = settings(flags, env);
      const log = cliLogger(io, flags.logLevel, 'wecom-standin');
      const standin = createWecomStandin({ ...s, log });
      await serveStandin(io, standin, {
        port: s.port,
        host: s.host,
        banner: (url) => `WeCom stand-in listening on ${url}`,
        kind: 'robot',
        names: s.robots.map((r) => r.name),
      });
      setExit(0);
    });
}
