import type { Command } from 'commander';
import { z } from 'zod';
import { createFeishuStandin } from '@kube-herald/feishu-standin';
import type { Env, SetExit } from '../command-types.js';
import {
  registerStandinCommand,
  positiveIntFlag,
  signedTargetSchema,
  signedTargets,
} from '../util/standin.js';
import type { StandinFlags } from '../util/standin.js';

const botSchema = signedTargetSchema(z.string().regex(/^[\w-]{1,128}$/, 'letters, digits, "_" and "-"'));

/** `--config` file of the stand-in; flags override it. */
const fileShape = {
  ratePerMinute: z.number().int().positive().default(100),
  ratePerSecond: z.number().int().positive().default(5),
  maxBodyBytes: z.number().int().positive().default(20_000),
  bots: z.array(botSchema).min(1),
};

interface FeishuFlags extends StandinFlags {
  readonly bot: string[];
  readonly ratePerSecond?: string;
}

/** `kube-herald feishu-standin`: the Feishu / Lark custom-bot stand-in, standalone. */
export function registerFeishuStandin(program: Command, env: Env, setExit: SetExit): void {
  registerStandinCommand(program, env, setExit, {
    name: 'feishu-standin',
    description:
      'Run the Feishu / Lark custom-bot stand-in (same API, body signing, keywords, 100/min and 5/s per bot as a real bot).',
    config: {
      help: 'YAML file: http.host, http.port, ratePerMinute, ratePerSecond, maxBodyBytes, bots[name, token, secret, keywords, ipAllowlist]; flags override it',
      shape: fileShape,
    },
    defaultPort: 8083,
    targets: ['--bot <spec>', 'a bot: name=..,token=..[,secret=..][,keyword=..]...[,ip=..] (repeatable)'],
    options: (cmd) =>
      cmd
        .option(
          '--rate <n>',
          'accepted messages per bot per minute (default: ratePerMinute or 100, as Feishu)',
        )
        .option(
          '--rate-per-second <n>',
          'accepted messages per bot per second (default: ratePerSecond or 5)',
        ),
    helpAfter: `
Examples:
  kube-herald feishu-standin --port 8083 --bot name=oncall,token=t1,secret=s1 --bot name=staging,token=t2,keyword=K8s

The webhooks are printed on stdout (signing secrets are not); messages, stats and fault injection are under
<address>/_standin/ (messages, stats, bots, faults, reset). Ctrl-C stops it.`,
    build: (flags: FeishuFlags, log, file) => {
      const bots = signedTargets('--bot', file?.bots, flags.bot);
      const standin = createFeishuStandin({
        bots,
        ratePerMinute: positiveIntFlag('--rate', flags.rate, file?.ratePerMinute ?? 100),
        ratePerSecond: positiveIntFlag('--rate-per-second', flags.ratePerSecond, file?.ratePerSecond ?? 5),
        maxBodyBytes: file?.maxBodyBytes ?? 20_000,
        log,
      });
      return {
        standin,
        banner: (url) => `Feishu stand-in listening on ${url} (control API: ${url}/_standin/)`,
        kind: 'bot',
        names: bots.map((b) => b.name),
      };
    },
  });
}
