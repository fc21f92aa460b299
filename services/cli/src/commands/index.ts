import type { Command } from 'commander';
import type { Env } from '../main.js';
import { registerConfig } from './config.js';
import { registerDemo } from './demo.js';
import { registerDingtalkStandin } from './dingtalk-standin.js';
import { registerFailed } from './failed.js';
import { registerReplay } from './replay.js';
import { registerRoute } from './route.js';
import { registerServices } from './services.js';
import { registerSilence } from './silence.js';
import { registerTestSend } from './test-send.js';

/** Sets the process exit code of a command (commands never call process.exit themselves). */
export type SetExit = (code: number) => void;

/** Registers every sub-command on the program. One line per command. */
export function registerCommands(program: Command, env: Env, setExit: SetExit): void {
  // the order of `kube-herald --help`: the services, the operator tools, then trying things out
  registerServices(program, env, setExit);
  registerReplay(program, env, setExit);
  registerRoute(program, env, setExit);
  registerConfig(program, env, setExit);
  registerTestSend(program, env, setExit);
  registerSilence(program, env, setExit);
  registerFailed(program, env, setExit);
  registerDingtalkStandin(program, env, setExit);
  registerDemo(program, env, setExit);
}
