import { Command, CommanderError, Help, type Option } from 'commander';
import { registerCommands } from './commands/index.js';
import { EXIT_CODES_HELP, errorText, exitCodeFor } from './exit-codes.js';
import { attachIo, processIo, type CliIo } from './io.js';
import type { Env } from './command-types.js';

export type { Env } from './command-types.js';

const EXAMPLES_HELP = `
Examples:
  kube-herald notifier --config notifier.yaml
  kube-herald config validate notifier.yaml
  kube-herald route test --event event.json --config notifier.yaml
  kube-herald test-send --receiver oncall --config notifier.yaml
  kube-herald replay --from 2h --dry-run --config notifier.yaml
  kube-herald silence add --match namespace=load-test --for 1d --by bob --why "load test" --config notifier.yaml
  kube-herald <command> --help      # every flag of a command, with examples
`;

const baseHelp = new Help();

/** Option help: required options say so; repeatable options do not show their empty default. */
function optionDescription(option: Option): string {
  const text = baseHelp.optionDescription(option).replace(/ \(default: \[\]\)$/, '');
  return option.mandatory ? `${text} (required)` : text;
}

/**
 * Runs the `kube-herald` command line and resolves with the exit code (see exit-codes.ts).
 * Long-running commands (collector, notifier, dingtalk-standin, demo) resolve when they have shut down.
 * `io` defaults to the process streams; tests pass captured ones.
 */
export async function runCli(argv: readonly string[], env: Env, io: CliIo = processIo()): Promise<number> {
  const program = new Command('kube-herald')
    .description(
      'Kubernetes Event alerting for fleets of clusters: collect, route, group and deliver to DingTalk.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ optionDescription })
    .addHelpText('after', `${EXAMPLES_HELP}${EXIT_CODES_HELP}`);
  attachIo(program, io);
  let exitCode = 0;
  await registerCommands(
    program,
    env,
    (code) => {
      exitCode = code;
    },
    argv,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    io.stderr.write(errorText(err));
    return exitCodeFor(err);
  }
}
