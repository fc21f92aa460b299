import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@kube-herald/deploy-tests';
import { waitFor } from '@kube-herald/testing';

/** A service (collector, notifier) run from its sources in a child process, as `kube-herald` runs it. */
export interface ServiceChild {
  /** JSON log lines written so far (stdout). */
  readonly logs: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Base URL of /metrics, /healthz, /readyz once listening. */
  url(): Promise<string>;
  /** Sum of the samples of a metric whose labels include `labels` (0 when absent). */
  metric(name: string, labels?: Readonly<Record<string, string>>): Promise<number>;
  /** Log lines at `warn` (40) or above. */
  warnings(): Array<Record<string, unknown>>;
  /** Sends `sig` while the process runs. */
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<number | null>;
}

/** Options of {@link startSourceChild}. */
export interface SourceChildOptions {
  /** Names the child in errors (`<what> exited 1: …`). */
  readonly what: string;
  /** The script (relative to the repository root) and its arguments. */
  readonly args: readonly string[];
  /** Longest wait in url() for the line that says where it listens. */
  readonly listenTimeoutMs?: number;
}

// the collector logs `port` ('metrics and health listening'), the notifier `http` ('notifier started')
const listening = (l: Record<string, unknown>): boolean =>
  typeof l.port === 'number' || (typeof l.http === 'string' && l.http.startsWith('http://'));

// KH_* overrides (KH_KAFKA_BROKERS from services.env) would silently replace the config under test.
function withoutOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('KH_') && k !== 'POD_NAME'));
}

/** Splits output into JSON lines (a line that is not JSON is kept as an error line naming it). */
function jsonLines(into: Array<Record<string, unknown>>): (d: Buffer) => void {
  let partial = '';
  return (d) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      if (!l.trim()) continue;
      try {
        into.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        into.push({ level: 50, msg: `unparsable log line: ${l}` });
      }
    }
  };
}

/** Sum of the samples of `name` in a Prometheus text exposition whose labels include `labels`. */
function metricSum(text: string, name: string, labels: Readonly<Record<string, string>>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})? ([-+.eE\d]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** The base URL a listening line names. */
const baseUrl = (line: Record<string, unknown>): string =>
  typeof line.http === 'string' ? line.http.replace(/\/+$/, '') : `http://127.0.0.1:${line.port as number}`;

/**
 * Starts `node --conditions=source --import tsx <args>` in the repository root without the KH_* overrides of
 * this environment; its stdout is read as JSON log lines.
 */
export function startSourceChild(o: SourceChildOptions): ServiceChild {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...o.args], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: withoutOverrides(process.env),
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stdout.on('data', jsonLines(logs));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  let base: string | undefined;
  const url = async (): Promise<string> => {
    // ends as soon as the child exits, not at the deadline
    const line = await waitFor(() => (exitCode !== undefined ? 'exited' : logs.find(listening)), {
      timeoutMs: o.listenTimeoutMs ?? 90_000,
      what: `${o.what} to listen`,
    });
    if (line === 'exited') throw new Error(`${o.what} exited ${exitCode}: ${stderr.slice(-2000)}`);
    return (base ??= baseUrl(line));
  };
  return {
    logs,
    stderr: () => stderr,
    exited,
    url,
    async metric(name, labels = {}) {
      return metricSum(await (await fetch(`${await url()}/metrics`)).text(), name, labels);
    },
    warnings: () => logs.filter((l) => typeof l.level === 'number' && l.level >= 40),
    signal(sig) {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * Writes `config` (JSON, a subset of YAML) under .run/ and starts `kube-herald <service>` (sources) with
 * it; the config's `http` is set to 127.0.0.1 on a free port.
 */
export function startService(
  service: 'collector' | 'notifier',
  name: string,
  config: Record<string, unknown>,
): ServiceChild {
  const file = join(repoRoot(), '.run', `cluster-tests-${name}-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ ...config, http: { host: '127.0.0.1', port: 0 } }), { mode: 0o600 });
  // the kube-herald command, as the image runs it (`kube-herald collector|notifier --config …`)
  return startSourceChild({ what: name, args: ['bin/kube-herald.mjs', service, '--config', file] });
}
