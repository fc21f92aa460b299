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
  stop(): Promise<number | null>;
}

// the collector logs `port` ('metrics and health listening'), the notifier `http` ('notifier started')
const listening = (l: Record<string, unknown>): boolean =>
  typeof l.port === 'number' || (typeof l.http === 'string' && l.http.startsWith('http://'));

function withoutOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('KH_') && k !== 'POD_NAME'));
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
  const root = repoRoot();
  const file = join(root, '.run', `cluster-tests-${name}-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ ...config, http: { host: '127.0.0.1', port: 0 } }), { mode: 0o600 });
  const child = spawn(
    process.execPath,
    // the kube-herald command, as the image runs it (`kube-herald collector|notifier --config …`)
    ['--conditions=source', '--import', 'tsx', 'bin/kube-herald.mjs', service, '--config', file],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: withoutOverrides(process.env) },
  );
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      if (!l.trim()) continue;
      try {
        logs.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        logs.push({ level: 50, msg: `unparsable log line: ${l}` });
      }
    }
  });
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
    await waitFor(
      () => {
        if (exitCode !== undefined) throw new Error(`${name} exited ${exitCode}: ${stderr.slice(-2000)}`);
        return logs.some(listening);
      },
      { timeoutMs: 90_000, what: `${name} to listen` },
    );
    const line = logs.find(listening)!;
    base ??=
      typeof line.http === 'string'
        ? line.http.replace(/\/+$/, '')
        : `http://127.0.0.1:${line.port as number}`;
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
    warnings: () => logs.filter((l) => typeof l.level === 'number' && l.level >= 40),
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
