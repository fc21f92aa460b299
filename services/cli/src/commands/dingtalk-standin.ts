import type { Command } from 'commander';
import { z } from 'zod';
import { durationMs, loadConfigFile } from '@kube-herald/config';
import { createDingtalkStandin, type StandinRobot } from '@kube-herald/dingtalk-standin';
import type { Env } from '../command-types.js';
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
import type { SetExit } from '../command-types.js';

// Strict objects: a misspelt key (`hots:`, `keyword:`) is reported with its path instead of ignored.
const robotSchema = z.strictObject({
  name: z.string().min(1),
  token: z.string().min(1),
  secret: z.string().min(1).optional(),
  keywords: z.array(z.string().min(1)).max(10).optional(),
  ipAllowlist: z.array(z.string().min(1)).optional(),
});

/** `--config` file of the stand-in (deploy/compose/dingtalk-standin.yaml); flags override it. */
const standinFileSchema = z.strictObject({
  http: standinHttpSchema(8080),
  ratePerMinute: z.number().int().positive().default(20),
  throttle: durationMs.default(60_000),
  throttleErrcode: z.union([z.literal(130101), z.literal(410100)]).default(130101),
  robots: z.array(robotSchema).min(1),
});

interface StandinFlags {
  readonly config?: string;
  readonly port?: string;
  readonly host?: string;
  readonly robot: string[];
  readonly rate?: string;
  readonly logLevel: string;
}

/** Parses `name=oncall,token=t1,secret=s1,keyword=K8s,keyword=Pod,ip=10.0.0.1`. */
export function parseRobotSpec(spec: string): StandinRobot {
  return parseSignedTargetSpec('--robot', spec);
}

function settings(flags: StandinFlags, env: Env) {
  const file = flags.config ? loadConfigFile(standinFileSchema, flags.config, env) : undefined;
  const robots = [...(file?.robots ?? []), ...flags.robot.map(parseRobotSpec)];
  if (robots.length === 0) throw usageError('no robot: give --robot name=..,token=.. or --config <file>');
  const rate = flags.rate === undefined ? (file?.ratePerMinute ?? 20) : Number(flags.rate);
  if (!Number.isInteger(rate) || rate <= 0)
    throw usageError(`--rate: "${flags.rate}" is not a positive integer`);
  return {
    robots,
    ratePerMinute: rate,
    throttleMs: file?.throttle ?? 60_000,
    throttleErrcode: file?.throttleErrcode ?? 130101,
    port: flags.port === undefined ? (file?.http.port ?? 8080) : portFlag(flags.port),
    host: flags.host ?? file?.http.host ?? '127.0.0.1',
  };
}

/** `kube-herald dingtalk-standin`: the DingTalk robot stand-in, standalone (docker-compose, manual tries). */
export function registerDingtalkStandin(program: Command, env: Env, setExit: SetExit): void {
  program
    .command('dingtalk-standin')
    .description(
      'Run the DingTalk custom-robot stand-in (same API, signing, keywords and 20 msg/min limit as a real robot, plus a live page).',
    )
    .option(
      '--config <file>',
      'YAML file: http.host, http.port, ratePerMinute, throttle, throttleErrcode, robots[name, token, secret, keywords, ipAllowlist]; flags override it',
    )
    .option('--port <port>', 'port to listen on (default: http.port or 8080; 0 = a free one)')
    .option(
      '--host <address>',
      'address to listen on (default: http.host or 127.0.0.1; 0.0.0.0 in a container)',
    )
    .option(
      '--robot <spec>',
      'a robot: name=..,token=..[,secret=..][,keyword=..]...[,ip=..] (repeatable)',
      repeatable,
      [] as string[],
    )
    .option(
      '--rate <n>',
      'accepted messages per robot per minute (default: ratePerMinute or 20, as DingTalk)',
    )
    .option('--log-level <level>', 'log level of the JSON logs on stderr', 'info')
    .addHelpText(
      'after',
      `
Examples:
  kube-herald dingtalk-standin --port 8080 --robot name=oncall,token=t1,secret=s1 --robot name=staging,token=t2,keyword=K8s
  kube-herald dingtalk-standin --config deploy/compose/dingtalk-standin.yaml --host 0.0.0.0

The webhooks are printed on stdout (signing secrets are not); the live page is at the printed address.
Robots of --config and --robot are combined. Ctrl-C stops it.`,
    )
    .action(async (flags: StandinFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const s = settings(flags, env);
      const log = cliLogger(io, flags.logLevel, 'dingtalk-standin');
      const standin = createDingtalkStandin({
        robots: s.robots,
        ratePerMinute: s.ratePerMinute,
        throttleMs: s.throttleMs,
        throttleErrcode: s.throttleErrcode,
        log,
      });
      await serveStandin(io, standin, {
        port: s.port,
        host: s.host,
        banner: (url) => `DingTalk stand-in listening on ${url} (live page: ${url}/)`,
        kind: 'robot',
        names: s.robots.map((r) => r.name),
      });
      setExit(0);
    });
}
