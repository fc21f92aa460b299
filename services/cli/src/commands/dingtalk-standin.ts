import type { Command } from 'commander';
import { z } from 'zod';
import { durationMs } from '@kube-herald/config';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import type { Env, SetExit } from '../command-types.js';
import {
  registerStandinCommand,
  positiveIntFlag,
  signedTargetSchema,
  signedTargets,
} from '../util/standin.js';
import type { StandinFlags } from '../util/standin.js';

const robotSchema = signedTargetSchema(z.string().min(1));

/** `--config` file of the stand-in (deploy/compose/dingtalk-standin.yaml); flags override it. */
const fileShape = {
  ratePerMinute: z.number().int().positive().default(20),
  throttle: durationMs.default(60_000),
  throttleErrcode: z.union([z.literal(130101), z.literal(410100)]).default(130101),
  robots: z.array(robotSchema).min(1),
};

interface DingtalkFlags extends StandinFlags {
  readonly robot: string[];
}

/** `kube-herald dingtalk-standin`: the DingTalk robot stand-in, standalone (docker-compose, manual tries). */
export function registerDingtalkStandin(program: Command, env: Env, setExit: SetExit): void {
  registerStandinCommand(program, env, setExit, {
    name: 'dingtalk-standin',
    description:
      'Run the DingTalk custom-robot stand-in (same API, signing, keywords and 20 msg/min limit as a real robot, plus a live page).',
    config: {
      help: 'YAML file: http.host, http.port, ratePerMinute, throttle, throttleErrcode, robots[name, token, secret, keywords, ipAllowlist]; flags override it',
      shape: fileShape,
    },
    defaultPort: 8080,
    targets: ['--robot <spec>', 'a robot: name=..,token=..[,secret=..][,keyword=..]...[,ip=..] (repeatable)'],
    options: (cmd) =>
      cmd.option(
        '--rate <n>',
        'accepted messages per robot per minute (default: ratePerMinute or 20, as DingTalk)',
      ),
    helpAfter: `
Examples:
  kube-herald dingtalk-standin --port 8080 --robot name=oncall,token=t1,secret=s1 --robot name=staging,token=t2,keyword=K8s
  kube-herald dingtalk-standin --config deploy/compose/dingtalk-standin.yaml --host 0.0.0.0

The webhooks are printed on stdout (signing secrets are not); the live page is at the printed address.
Robots of --config and --robot are combined. Ctrl-C stops it.`,
    build: (flags: DingtalkFlags, log, file) => {
      const robots = signedTargets('--robot', file?.robots, flags.robot);
      const standin = createDingtalkStandin({
        robots,
        ratePerMinute: positiveIntFlag('--rate', flags.rate, file?.ratePerMinute ?? 20),
        throttleMs: file?.throttle ?? 60_000,
        throttleErrcode: file?.throttleErrcode ?? 130101,
        log,
      });
      return {
        standin,
        banner: (url) => `DingTalk stand-in listening on ${url} (live page: ${url}/)`,
        kind: 'robot',
        names: robots.map((r) => r.name),
      };
    },
  });
}
