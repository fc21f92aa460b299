import type { Command } from 'commander';
import { z } from 'zod';
import { durationMs, loadConfigFile } from '@kube-herald/config';
import { createDingtalkStandin, type StandinRobot } from '@kube-herald/dingtalk-standin';
import type { Env, SetExit } from '../command-types.js';
import {
  allTargets,
  standinCommand,
  listenAddress,
  parseSignedTargetSpec,
  positiveIntFlag,
  repeatable,
  runStandinCommand,
  signedTargetSchema,
  standinHttpSchema,
} from '../util/standin.js';
import type { StandinFlags } from '../util/standin.js';

const robotSchema = signedTargetSchema(z.string().min(1));

/** `--config` file of the stand-in (deploy/compose/dingtalk-standin.yaml); flags override it. */
const standinFileSchema = z.strictObject({
  http: standinHttpSchema(8080),
  ratePerMinute: z.number().int().positive().default(20),
  throttle: durationMs.default(60_000),
  throttleErrcode: z.union([z.literal(130101), z.literal(410100)]).default(130101),
  robots: z.array(robotSchema).min(1),
});

interface DingtalkFlags extends StandinFlags {
  readonly robot: string[];
}

/** Parses `name=oncall,token=t1,secret=s1,keyword=K8s,keyword=Pod,ip=10.0.0.1`. */
export function parseRobotSpec(spec: string): StandinRobot {
  return parseSignedTargetSpec('--robot', spec);
}

function settings(flags: DingtalkFlags, env: Env) {
  const file = flags.config ? loadConfigFile(standinFileSchema, flags.config, env) : undefined;
  const robots = allTargets(
    file?.robots,
    flags.robot.map(parseRobotSpec),
    'no robot: give --robot name=..,token=.. or --config <file>',
  );
  return {
    robots,
    ratePerMinute: positiveIntFlag('--rate', flags.rate, file?.ratePerMinute ?? 20),
    throttleMs: file?.throttle ?? 60_000,
    throttleErrcode: file?.throttleErrcode ?? 130101,
    ...listenAddress(flags, file?.http, 8080),
  };
}

/** `kube-herald dingtalk-standin`: the DingTalk robot stand-in, standalone (docker-compose, manual tries). */
export function registerDingtalkStandin(program: Command, env: Env, setExit: SetExit): void {
  standinCommand(
    program,
    'dingtalk-standin',
    'Run the DingTalk custom-robot stand-in (same API, signing, keywords and 20 msg/min limit as a real robot, plus a live page).',
    'YAML file: http.host, http.port, ratePerMinute, throttle, throttleErrcode, robots[name, token, secret, keywords, ipAllowlist]; flags override it',
    8080,
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
    .action(async (flags: DingtalkFlags, cmd: Command) => {
      await runStandinCommand(cmd, flags.logLevel, 'dingtalk-standin', (log) => {
        const { port, host, ...options } = settings(flags, env);
        return {
          standin: createDingtalkStandin({ ...options, log }),
          serve: {
            port,
            host,
            banner: (url) => `DingTalk stand-in listening on ${url} (live page: ${url}/)`,
            kind: 'robot',
            names: options.robots.map((r) => r.name),
          },
        };
      });
      setExit(0);
    });
}
