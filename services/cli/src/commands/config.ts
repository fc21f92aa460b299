import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '@kube-herald/config';
import { collectorConfigSchema, loadCollectorConfig } from '@kube-herald/collector';
import { loadNotifierConfig, notifierConfigJsonSchema } from '@kube-herald/notifier';
import type { Env } from '../command-types.js';
import { ExitCode, usageError } from '../exit-codes.js';
import { ioOf } from '../io.js';
import type { SetExit } from '../command-types.js';
import { registerFromKubeEventer } from './kube-eventer.js';

type Kind = 'notifier' | 'collector';

function kindOf(flag: string | undefined, file?: string): Kind {
  if (flag === 'notifier' || flag === 'collector') return flag;
  if (flag !== undefined) throw usageError(`--kind: "${flag}" is not notifier or collector`);
  if (file === undefined) return 'notifier';
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return 'notifier'; // the loader reports the read or YAML problem with its path
  }
  const keys = doc !== null && typeof doc === 'object' ? Object.keys(doc) : [];
  return keys.some((k) => k === 'kubernetes' || k === 'cluster' || k === 'leaderElection')
    ? 'collector'
    : 'notifier';
}

/** JSON Schema (draft-07) of a config file, for editors (yaml-language-server) and CI checks. */
export function configJsonSchema(kind: Kind): Record<string, unknown> {
  if (kind === 'notifier') return notifierConfigJsonSchema();
  return z.toJSONSchema(collectorConfigSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
}

function validate(file: string, kind: Kind, env: Env): void {
  if (kind === 'notifier') loadNotifierConfig(file, env);
  else loadCollectorConfig(file, env);
}

/** `kube-herald config validate|schema|from-kube-eventer`. */
export function registerConfig(program: Command, env: Env, setExit: SetExit): void {
  const config = program
    .command('config')
    .description('Check configuration files, print their JSON Schema, translate kube-eventer sinks.');

  config
    .command('validate')
    .description('Validate a notifier or collector config file; prints every problem as `path: problem`.')
    .argument('<file>', 'the YAML config file')
    .option('--kind <kind>', 'notifier or collector (default: guessed from the top-level keys)')
    .addHelpText(
      'after',
      `
Secret files (*File) are read and \${ENV} references expanded, exactly as the service does at start.
Exit 0 when valid, 1 with every problem on stderr otherwise.

Examples:
  kube-herald config validate notifier.yaml
  kube-herald config validate --kind collector collector.yaml`,
    )
    .action((file: string, flags: { kind?: string }, cmd: Command) => {
      const io = ioOf(cmd);
      const kind = kindOf(flags.kind, file);
      try {
        validate(file, kind, env);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        io.stderr.write(
          `${file}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}\n` +
            err.problems.map((p) => `  ${p.path}: ${p.message}\n`).join(''),
        );
        setExit(ExitCode.config);
        return;
      }
      io.stdout.write(`${file}: valid ${kind} configuration\n`);
    });

  config
    .command('schema')
    .description('Print the JSON Schema (draft-07) of the config file, for editors.')
    .option('--kind <kind>', 'notifier (default) or collector')
    .addHelpText(
      'after',
      `
Examples:
  kube-herald config schema > notifier.schema.json
  # then in notifier.yaml:  # yaml-language-server: $schema=./notifier.schema.json`,
    )
    .action((flags: { kind?: string }, cmd: Command) => {
      ioOf(cmd).stdout.write(
        `${JSON.stringify(configJsonSchema(kindOf(flags.kind ?? 'notifier')), null, 2)}\n`,
      );
    });

  registerFromKubeEventer(config);
}
