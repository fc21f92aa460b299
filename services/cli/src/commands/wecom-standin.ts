import type { Command } from 'commander';
import { z } from 'zod';
import { durationMs } from '@kube-herald/config';
import { createWecomStandin, type WecomStandinRobot } from '@kube-herald/wecom-standin';
import type { Env, SetExit } from '../command-types.js';
import { usageError } from '../exit-codes.js';
import { allTargets, registerStandinCommand } from '../util/standin.js';
import type { StandinFlags } from '../util/standin.js';

// Strict objects: a misspelt key is reported with its path instead of ignored.
const fileShape = {
  ratePerMinute: z.number().int().positive().default(20),
  throttle: durationMs.default(0),
  robots: z.array(z.strictObject({ name: z.string().min(1), key: z.string().min(1) })).min(1),
};

interface Flags extends StandinFlags {
  readonly robot: string[];
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

/** `kube-herald wecom-standin`: the WeCom group-robot stand-in, standalone. */
export function registerWecomStandin(program: Command, env: Env, setExit: SetExit): void {
  registerStandinCommand(program, env, setExit, {
    name: 'wecom-standin',
    description:
      'Run the WeCom (企业微信) group-robot stand-in (same API, errcodes, byte limits and 20 msg/min limit per key as a real robot).',
    config: {
      help: 'YAML file: http.host, http.port, ratePerMinute, throttle, robots[name, key]; flags override it',
      shape: fileShape,
    },
    defaultPort: 8082,
    targets: ['--robot <spec>', 'a robot: name=..,key=.. (repeatable)'],
    options: (cmd) =>
      cmd.option(
        '--rate <n>',
        'accepted messages per robot per minute (default: ratePerMinute or 20, as WeCom)',
      ),
    helpAfter: `
Examples:
  kube-herald wecom-standin --port 8082 --robot name=ops,key=k1 --robot name=dev,key=k2

The webhooks (…/cgi-bin/webhook/send?key=…) are printed on stdout; /_standin/messages, /_standin/stats
and /_standin/faults are the control API. Ctrl-C stops it.`,
    build: (flags: Flags, log, file) => {
      const robots = allTargets(
        file?.robots,
        flags.robot.map(parseWecomRobotSpec),
        'no robot: give --robot name=..,key=.. or --config <file>',
      );
      const standin = createWecomStandin({
        robots,
        ratePerMinute:
          flags.rate === undefined ? (file?.ratePerMinute ?? 20) : intFlag('--rate', flags.rate, 1, 10_000),
        throttleMs: file?.throttle ?? 0,
        log,
      });
      return {
        standin,
        banner: (url) => `WeCom stand-in listening on ${url}`,
        kind: 'robot',
        names: robots.map((r) => r.name),
      };
    },
  });
}
