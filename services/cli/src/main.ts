import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';

/** Environment as given to the process; only entry files read `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Runs the `kube-herald` command line and resolves with the exit code.
 * Long-running commands (collector, notifier, demo) resolve when they have shut down.
 */
export async function runCli(argv: readonly string[], env: Env): Promise<number> {
  const program = new Command('kube-herald')
    .description(
      'Kubernetes Event alerting for fleets of clusters: collect, route, group and deliver to DingTalk.',
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  let exitCode = 0;
  registerCommands(program, env, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
