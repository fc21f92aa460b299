import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { buildContext, parseDockerfile, type Stage } from './dockerfile.js';

/**
 * RUN steps that act on the operating system of the image (packages, users) or only shrink a layer; a
 * reproduction on this machine cannot and need not run them. Anything else is run.
 */
export const SYSTEM_RUN = [/\bapt-get\b/, /\bnpm cache clean\b/];

/** What a reproduced build did. */
export interface ImageBuild {
  /** The scratch folder: one sub-folder per stage, each the stage's file system root. */
  readonly dir: string;
  /** Root of the final stage's file system. */
  readonly runtimeRoot: string;
  /** WORKDIR of the final stage (inside `runtimeRoot`). */
  readonly workdir: string;
  /** ENV of the final stage. */
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** RUN steps not run (matched {@link SYSTEM_RUN}). */
  readonly skipped: readonly string[];
  /** Seconds per step, for the record. */
  readonly timings: ReadonlyArray<{ readonly step: string; readonly seconds: number }>;
}

interface StageState {
  readonly root: string;
  workdir: string;
  readonly env: Record<string, string>;
}

/** The image's absolute paths as paths under the stage root. */
const inStage = (s: StageState, p: string): string =>
  join(s.root, posix.isAbsolute(p) ? p : posix.join(s.workdir, p));

/** Rewrites absolute image paths in a shell command to the stage root (for `/app/…`, `/usr/local/bin/…`). */
function rewritePaths(command: string, s: StageState): string {
  return command.replace(
    /(^|[\s'"=>])\/(app|src|usr\/local\/bin)(?=[/\s'"]|$)/g,
    (_m, pre: string, dir: string) => {
      return `${pre}${s.root}/${dir}`;
    },
  );
}

function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

function copy(from: string, to: string, intoDir: boolean): void {
  const target = intoDir && !statSync(from).isDirectory() ? join(to, from.split('/').at(-1)!) : to;
  mkdirSync(dirname(target), { recursive: true });
  cpSync(from, target, { recursive: true });
}

/**
 * Reproduces `docker build` of `root`'s Dockerfile without a Docker engine: the build context filtered by
 * .dockerignore is staged first (so a COPY of an ignored file fails as it does in Docker), then each stage's
 * WORKDIR/ENV/COPY/RUN run in order in `dir/<stage>/` as that stage's file system root, with this machine's
 * Node (the version the Dockerfile pins) on PATH. OS-level RUN steps ({@link SYSTEM_RUN}) are skipped.
 */
export function reproduceImageBuild(root: string, dir: string): ImageBuild {
  const df = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const context = join(dir, 'context');
  for (const file of buildContext(root)) copy(join(root, file), join(context, file), false);
  const nodeDir = dirname(process.execPath);
  const states = new Map<string, StageState>();
  const skipped: string[] = [];
  const timings: Array<{ step: string; seconds: number }> = [];
  let last: { stage: Stage; state: StageState } | undefined;
  df.stages.forEach((stage, i) => {
    const state: StageState = { root: join(dir, stage.name ?? `stage-${i}`), workdir: '/', env: {} };
    // what the base image (node:<version>-slim) provides: /usr/local/bin (node, npm) and /tmp
    for (const base of ['usr/local/bin', 'tmp']) mkdirSync(join(state.root, base), { recursive: true });
    states.set(stage.name ?? String(i), state);
    for (const ins of stage.instructions) runInstruction(ins.op, ins.args, state);
    last = { stage, state };
  });

  function runInstruction(op: string, args: string, state: StageState): void {
    const t0 = Date.now();
    if (op === 'WORKDIR') {
      state.workdir = posix.resolve(state.workdir, args);
      mkdirSync(inStage(state, '.'), { recursive: true });
    } else if (op === 'ENV') Object.assign(state.env, parseEnv(args));
    else if (op === 'COPY') {
      const parts = args.split(/\s+/);
      const fromStage = parts[0]?.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
      const dest = parts.pop()!;
      const srcRoot = fromStage ? states.get(fromStage)?.root : context;
      if (!srcRoot) throw new Error(`COPY --from=${fromStage}: no such stage`);
      for (const src of parts) {
        const from = join(srcRoot, src);
        if (!existsSync(from)) {
          throw new Error(
            `COPY ${src}: not found in ${fromStage ? `stage ${fromStage}` : 'the build context (.dockerignore)'}`,
          );
        }
        copy(from, inStage(state, dest), parts.length > 1 || dest.endsWith('/'));
      }
    } else if (op === 'RUN') {
      if (SYSTEM_RUN.some((re) => re.test(args))) {
        skipped.push(args);
        return;
      }
      execFileSync('sh', ['-ec', rewritePaths(args, state)], {
        cwd: inStage(state, '.'),
        env: {
          PATH: `${nodeDir}:/usr/local/bin:/usr/bin:/bin`,
          HOME: process.env.HOME ?? '/root',
          // the same pinned packages (package-lock.json); this machine's npm cache answers first
          npm_config_prefer_offline: 'true',
          ...state.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
        timeout: 15 * 60_000,
      });
    } // ARG, LABEL, USER, EXPOSE, STOPSIGNAL, ENTRYPOINT, CMD: metadata, read below
    timings.push({ step: `${op} ${args}`.slice(0, 80), seconds: (Date.now() - t0) / 1000 });
  }

  if (!last) throw new Error('the Dockerfile has no stage');
  const json = (op: string): string[] => {
    const ins = last!.stage.instructions.filter((i) => i.op === op).at(-1);
    return ins ? (JSON.parse(ins.args) as string[]) : [];
  };
  return {
    dir,
    runtimeRoot: last.state.root,
    workdir: inStage(last.state, '.'),
    env: { ...last.state.env },
    entrypoint: json('ENTRYPOINT'),
    cmd: json('CMD'),
    skipped,
    timings,
  };
}
