import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { KhError } from '@kube-herald/errors';

/** One configuration problem: where (`route.routes.2.match.reason`) and what. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Thrown when configuration is invalid; carries every problem found, not just the first. */
export class ConfigError extends KhError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(
      'config_invalid',
      `invalid configuration:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Formats zod issues as `path: message` problems. */
export function zodProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

const ENV_REF = /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed document. */
export function expandEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
  path = '',
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_m, name: string, def: string | undefined) => {
      const v = env[name] ?? def;
      if (v === undefined)
        problems.push({ path: path || '(root)', message: `environment variable ${name} is not set` });
      return v ?? '';
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => expandEnv(v, env, problems, path ? `${path}.${i}` : String(i)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = expandEnv(v, env, problems, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}

/** Reads a secret from a file (trailing newline removed); problems are collected, not thrown. */
export function readSecretFile(file: string, path: string, problems: ConfigProblem[]): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (!text) problems.push({ path, message: `secret file ${file} is empty` });
    return text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    problems.push({ path, message: `cannot read secret file ${file} (${code})` });
    return undefined;
  }
}

/** Parses YAML text into a plain document, reporting syntax errors as problems. */
export function parseYaml(text: string, source: string): unknown {
  try {
    return parse(text) as unknown;
  } catch (err) {
    throw new ConfigError([
      { path: source, message: `YAML: ${(err as Error).message.split('\n')[0] ?? 'parse error'}` },
    ]);
  }
}

/**
 * Validates a document with a zod schema after `${ENV}` expansion; throws {@link ConfigError} with every
 * problem, or returns the frozen result.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  doc: unknown,
  env: Readonly<Record<string, string | undefined>> = {},
): Readonly<z.output<S>> {
  const problems: ConfigProblem[] = [];
  const expanded = expandEnv(doc ?? {}, env, problems);
  const res = schema.safeParse(expanded);
  if (!res.success) problems.push(...zodProblems(res.error));
  if (problems.length) throw new ConfigError(problems);
  return deepFreeze(res.data as z.output<S>);
}

/**
 * Reads a config file and parses its YAML, unvalidated; an unreadable file or a YAML syntax error throws
 * {@link ConfigError} naming the file.
 */
export function readConfigYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      { path: file, message: `cannot read config file (${(err as NodeJS.ErrnoException).code ?? 'error'})` },
    ]);
  }
  return parseYaml(text, file);
}

/** Reads and validates a YAML file (see {@link parseConfig}). */
export function loadConfigFile<S extends z.ZodType>(
  schema: S,
  file: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Readonly<z.output<S>> {
  return parseConfig(schema, readConfigYaml(file), env);
}

/** Freezes an object graph (config is read-only once validated). RegExp and class instances are left alone. */
export function deepFreeze<T>(value: T): T {
  if (
    value !== null &&
    typeof value === 'object' &&
    (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)
  ) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
