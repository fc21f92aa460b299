import type { Command } from 'commander';
import { createSlackStandin, type StandinChannel } from '@kube-herald/slack-standin';
import type { Env, SetExit } from '../command-types.js';
import { usageError } from '../exit-codes.js';
import { registerStandinCommand } from '../util/standin.js';
import type { StandinFlags } from '../util/standin.js';

interface SlackStandinFlags extends Omit<StandinFlags, 'config'> {
  readonly channel: string[];
  readonly burst?: string;
}

/** Parses `name=alerts[,path=T0/B0/secret][,archived][,prohibited]`; a path is made up when absent. */
export function parseChannelSpec(spec: string, index: number): StandinChannel {
  const fields: Record<string, string> = {};
  const flags = new Set<string>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (eq < 0 && (key === 'archived' || key === 'prohibited')) flags.add(key);
    else if (eq > 0 && (key === 'name' || key === 'path')) fields[key] = part.slice(eq + 1).trim();
    else
      throw usageError(`--channel: "${part}" is not name=.., path=.., archived or prohibited (in "${spec}")`);
  }
  if (!fields.name) throw usageError(`--channel: name= is required in "${spec}"`);
  const n = String(index + 1).padStart(4, '0');
  return {
    name: fields.name,
    path: fields.path ?? `T0STANDIN/B${n}/standin${n}${fields.name.replace(/[^A-Za-z0-9]/g, '')}`,
    ...(flags.has('archived') ? { archived: true } : {}),
    ...(flags.has('prohibited') ? { prohibited: true } : {}),
  };
}

function positive(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw usageError(`${flag}: "${text}" is not a positive number`);
  return n;
}

/** `kube-herald slack-standin`: the Slack incoming-webhook stand-in, standalone (manual tries, demos). */
export function registerSlackStandin(program: Command, env: Env, setExit: SetExit): void {
  registerStandinCommand(program, env, setExit, {
    name: 'slack-standin',
    description:
      'Run the Slack incoming-webhook stand-in (same answers, Block Kit limits and ~1 msg/s per webhook with 429 + Retry-After as Slack).',
    defaultPort: 8081,
    targets: [
      '--channel <spec>',
      'a webhook: name=..[,path=T../B../secret][,archived][,prohibited] (repeatable)',
    ],
    options: (cmd) =>
      cmd
        .option('--rate <n>', 'messages per second a webhook accepts in the long run (default 1, as Slack)')
        .option('--burst <n>', 'short burst tolerated above the rate (default 3)'),
    helpAfter: `
Examples:
  kube-herald slack-standin --port 8081 --channel name=alerts --channel name=old,archived

The webhook URLs are printed on stdout; messages, stats and faults are under /_standin/. Ctrl-C stops it.`,
    build: (flags: SlackStandinFlags, log) => {
      const channels = flags.channel.map(parseChannelSpec);
      if (channels.length === 0) throw usageError('no channel: give --channel name=..');
      const ratePerSecond = positive('--rate', flags.rate, 1);
      const burst = positive('--burst', flags.burst, 3);
      return {
        standin: createSlackStandin({ channels, ratePerSecond, burst, log }),
        banner: (url) => `Slack stand-in listening on ${url} (control API: ${url}/_standin/stats)`,
        kind: 'channel',
        names: channels.map((c) => c.name),
      };
    },
  });
}
