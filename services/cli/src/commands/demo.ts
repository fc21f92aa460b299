import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ConfigError } from '@kube-herald/config';
import { createLogger } from '@kube-herald/logging';
import { runUntilSignal } from '@kube-herald/process';
import { createDemo, type DemoPlan } from '../demo/demo.js';
import { demoSettings, DemoUsageError, type DemoFlags } from '../demo/demo-options.js';
import { demoBanner } from '../demo/demo-banner.js';
import { loadScenario } from '../demo/scenario-load.js';
import { ExitCode } from '../exit-codes.js';
import { ioOf, type CliIo } from '../io.js';
import type { Env } from '../command-types.js';
import type { SetExit } from '../command-types.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** How long stopping may take: the children get 10 s each after SIGTERM, collectors before notifiers. */
const STOP_DEADLINE_MS = 60_000;

/** Reasons to stop other than SIGINT/SIGTERM: the io's abort signal, the duration, a failed child. */
function otherStops(
  io: CliIo,
  failed: Promise<string>,
  durationMs: number | undefined,
): { done: Promise<string>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = (): void => undefined;
  const done = new Promise<string>((resolve) => {
    if (io.signal?.aborted) resolve('aborted');
    onAbort = () => resolve('aborted');
    io.signal?.addEventListener('abort', onAbort, { once: true });
    if (durationMs !== undefined) timer = setTimeout(() => resolve('duration'), durationMs);
    void failed.then((why) => resolve(`failure: ${why}`));
  });
  return {
    done,
    dispose() {
      io.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    },
  };
}

/** Thrown when a stop request arrives while the demo starts: a clean stop unless a child failed. */
class StoppedWhileStarting extends Error {
  constructor(readonly why: string) {
    super(`stopped while starting (${why})`);
  }
}

async function runDemo(io: CliIo, flags: DemoFlags, env: Env): Promise<number> {
  const say = (text: string): void => void io.stdout.write(text);
  const settings = demoSettings(flags, env);
  const brokers = (env.KH_KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const redisUrl = env.KH_REDIS_URL;
  if (!brokers.length || !redisUrl)
    throw new DemoUsageError(
      'KH_KAFKA_BROKERS and KH_REDIS_URL are not set: run `npm start` (or `bash scripts/services.sh start && source .run/services.env`)',
    );
  const runDir = join(ROOT, '.run', 'demo');
  await mkdir(join(runDir, 'logs'), { recursive: true });
  const logFile = join(runDir, 'logs', 'demo.log');
  const log = createLogger({
    name: 'demo',
    level: env.KH_LOG_LEVEL ?? 'info',
    destination: createWriteStream(logFile, { flags: 'a' }),
  });
  const plan: DemoPlan =
    settings.kind === 'simulated'
      ? {
          kind: 'simulated',
          scenario: loadScenario(settings.scenario, { dir: join(ROOT, 'scenarios'), cwd: process.cwd() }),
          pagePort: settings.pagePort,
          speed: settings.speed,
        }
      : settings;
  // the console next to the page (8765 → 8766), or a free port when that one is taken
  const consolePort = settings.kind === 'simulated' && settings.pagePort > 0 ? settings.pagePort + 1 : 8766;
  const demo = createDemo({ plan, root: ROOT, runDir, env, brokers, redisUrl, log, consolePort });
  const stops = otherStops(io, demo.failed, settings.durationMs);
  let why = '';
  say(`kube-herald demo: starting (logs in ${join(runDir, 'logs')})…\n`);
  const { code } = await runUntilSignal({
    name: 'demo',
    log,
    deadlineMs: STOP_DEADLINE_MS,
    ...(io.signal ? { signals: [] } : {}),
    stop: stops.done,
    start: async (closers, stopped) => {
      void stopped.then((reason) => (why = reason));
      closers.add('demo', async () => {
        if (why) say(`\nkube-herald demo: stopping (${why})…\n`);
        const slow = setTimeout(
          () => say('kube-herald demo: still stopping, waiting for the services to exit…\n'),
          15_000,
        );
        await demo.close().finally(() => clearTimeout(slow));
      });
      const stoppedEarly = stopped.then((reason) => Promise.reject(new StoppedWhileStarting(reason)));
      say(demoBanner(plan, await Promise.race([demo.start(), stoppedEarly])));
    },
    exitCodeOf: (err) => {
      say(`kube-herald demo: ${err instanceof Error ? err.message : String(err)}\n`);
      // Ctrl-C while starting is a clean stop; anything else is a failure.
      return err instanceof StoppedWhileStarting && !err.why.startsWith('failure')
        ? ExitCode.ok
        : ExitCode.runtime;
    },
  });
  stops.dispose();
  say('kube-herald demo: stopped.\n');
  return why.startsWith('failure') ? ExitCode.runtime : code;
}

/** Registers `kube-herald demo`: the whole pipeline on simulated clusters (or one real cluster and robot). */
export function registerDemo(program: Command, env: Env, setExit: SetExit): void {
  program
    .command('demo')
    .description(
      'Run the end-to-end demo on one machine: simulated clusters, collectors, notifiers and a DingTalk-like page.',
    )
    .option('--scenario <name|file>', 'scenario to play (a name in scenarios/ or a YAML file)', 'incidents')
    .option('--kubeconfig <file>', 'watch this real cluster instead (with --webhook)')
    .option('--webhook <url>', 'send to this real DingTalk robot (env KH_DINGTALK_WEBHOOK)')
    .option('--secret <secret>', 'signing secret of the real robot (better: env KH_DINGTALK_SECRET)')
    .option('--insecure-http', 'test only: accept an http:// --webhook (a local DingTalk stand-in)')
    .option('--cluster-id <id>', 'cluster id of the real cluster', 'my-cluster')
    .option('--duration <d>', 'stop after this long (e.g. 10m); default: until Ctrl-C')
    .option('--port <port>', 'port of the DingTalk-like page', '8765')
    .option('--speed <factor>', 'play the scenario faster (e.g. 2)', '1')
    .addHelpText(
      'after',
      `
Needs Kafka and Redis (KH_KAFKA_BROKERS, KH_REDIS_URL): \`npm start\` starts them and runs this command.
Prints the address of the DingTalk-like page; Ctrl-C stops the scenario, collectors, notifiers and stand-ins.
With --kubeconfig and a robot (--webhook/--secret or KH_DINGTALK_WEBHOOK/KH_DINGTALK_SECRET) it watches that
cluster with one collector and sends its Warnings to that robot instead; no scenario is played.

Examples:
  kube-herald demo
  kube-herald demo --scenario short --port 9000
  kube-herald demo --scenario ./my-incident.yaml --duration 15m --speed 2
  KH_DINGTALK_SECRET=SEC… kube-herald demo --kubeconfig ~/.kube/config --webhook 'https://oapi.dingtalk.com/robot/send?access_token=…'`,
    )
    .action(async (flags: DemoFlags, cmd: Command) => {
      const io = ioOf(cmd);
      try {
        setExit(await runDemo(io, flags, env));
      } catch (err) {
        if (!(err instanceof DemoUsageError || err instanceof ConfigError)) throw err;
        const text =
          err instanceof ConfigError
            ? `invalid scenario:\n${err.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`
            : err.message;
        io.stderr.write(`kube-herald demo: ${text}\n`);
        setExit(ExitCode.usage);
      }
    });
}
