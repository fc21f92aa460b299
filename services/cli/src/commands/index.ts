import type { Command } from 'commander';
import type { Env, SetExit } from '../command-types.js';

export type { SetExit } from '../command-types.js';

type Register = (program: Command, env: Env, setExit: SetExit) => void;

// One line per command module, in the order of `kube-herald --help`: the services, the operator tools,
// then trying things out. Modules are imported on demand: a service process loads only its own code
// (the collector's memory budget has no room for the notifier, BullMQ or the demo).
const MODULES: ReadonlyArray<() => Promise<Register>> = [
  () => import('./services.js').then((m) => m.registerServices),
  () => import('./replay.js').then((m) => m.registerReplay),
  () => import('./route.js').then((m) => m.registerRoute),
  () => import('./config.js').then((m) => m.registerConfig),
  () => import('./test-send.js').then((m) => m.registerTestSend),
  () => import('./silence.js').then((m) => m.registerSilence),
  () => import('./failed.js').then((m) => m.registerFailed),
  () => import('./console.js').then((m) => m.registerConsole),
  () => import('./dingtalk-standin.js').then((m) => m.registerDingtalkStandin),
  () => import('./slack-standin.js').then((m) => m.registerSlackStandin),
  () => import('./feishu-standin.js').then((m) => m.registerFeishuStandin),
  () => import('./wecom-standin.js').then((m) => m.registerWecomStandin),
  () => import('./demo.js').then((m) => m.registerDemo),
];

/** Commands registered by `registerServices`: running one of them needs no other command module. */
const SERVICES = new Set(['collector', 'notifier']);

/** Registers the sub-commands on the program: all of them, or only the services when `argv` runs one. */
export async function registerCommands(
  program: Command,
  env: Env,
  setExit: SetExit,
  argv: readonly string[] = [],
): Promise<void> {
  const only = SERVICES.has(argv[0] ?? '') ? MODULES.slice(0, 1) : MODULES;
  for (const register of await Promise.all(only.map((load) => load()))) register(program, env, setExit);
}
