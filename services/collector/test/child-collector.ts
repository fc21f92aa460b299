import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from './helpers.js';

const ROOT = join(import.meta.dirname, '../../..');

/** A collector run by `main.ts` in a child process, as in production. */
export interface ChildCollector {
  /** JSON log lines written so far (stdout). */
  readonly logs: Array<Record<string, unknown>>;
  readonly stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Base URL of /metrics, /healthz, /readyz once listening. */
  url(): Promise<string>;
  /** Sum of the samples of a metric whose labels include `labels` (0 when absent). */
  metric(name: string, labels?: Readonly<Record<string, string>>): Promise<number>;
  signal(sig: NodeJS.Signals): void;
}

function withoutOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('KH_') && k !== 'POD_NAME'));
}

/** Writes `yaml` (lines) to a config file under .run/ and starts main.ts with it. */
export async function startChildCollector(name: string, yaml: readonly string[]): Promise<ChildCollector> {
  const file = join(ROOT, '.run', `collector-${name}-${process.pid}.yaml`);
  await writeFile(file, [...yaml, 'http: { host: 127.0.0.1, port: 0 }'].join('\n'));
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'services/collector/src/main.ts', '--config', file],
    // KH_* overrides (KH_KAFKA_BROKERS from services.env) would silently replace the config under test.
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: withoutOverrides(process.env) },
  );
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) logs.push(JSON.parse(l) as Record<string, unknown>);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      void rm(file, { force: true }).finally(() => resolve(code));
    }),
  );
  let base: string | undefined;
  const url = async (): Promise<string> => {
    await waitFor(
      'the child collector to listen',
      () => {
        if (exitCode !== undefined) throw new Error(`child collector exited ${exitCode}: ${stderr}`);
        return logs.some((l) => typeof l.port === 'number');
      },
      60_000,
    );
    base ??= `http://127.0.0.1:${logs.find((l) => typeof l.port === 'number')?.port as number}`;
    return base;
  };
  return {
    logs,
    stderr: () => stderr,
    exited,
    url,
    async metric(metricName, labels = {}) {
      const text = await (await fetch(`${await url()}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const m = /^([a-z_:]+)(\{[^}]*\})? ([-+.eE\d]+|NaN)$/.exec(line);
        if (!m || m[1] !== metricName) continue;
        const set = m[2] ?? '';
        if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
      }
      return sum;
    },
    signal(sig) {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
  };
}
