import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'yaml';
import type { EventV1 } from '@kube-herald/events';
import { runCli } from '../src/main.js';

/** Output of one in-process `kube-herald` run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured streams (stderr is not a TTY: plain progress lines). */
export async function cli(
  argv: readonly string[],
  opts: { stdin?: string; signal?: AbortSignal; env?: Record<string, string> } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, opts.env ?? {}, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([opts.stdin ?? '']),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { code, stdout, stderr };
}

/** A temporary directory removed by `dispose`. */
export function tempDir(): {
  readonly dir: string;
  file(name: string, content: unknown): string;
  dispose(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'kh-cli-test-'));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : stringify(content));
      return path;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let seq = 0;

/** A valid Event v1 (a Warning BackOff of a Pod) with a unique occurrence, with overrides. */
export function makeEvent(name: string, o: Partial<EventV1> = {}, namespace = 'payments'): EventV1 {
  seq += 1;
  const cluster = o.cluster ?? { id: 'prod-hz', name: 'prod-hz' };
  const reason = o.reason ?? 'BackOff';
  return {
    schema: 'kube-herald.event/v1',
    occurrenceId: `occ-${name}-${seq}-${Date.now()}`,
    incidentKey: `${cluster.id}/${namespace}/Pod/${name}/${reason}`,
    type: 'Warning',
    reason,
    message: `Back-off restarting failed container in pod ${name}`,
    count: 3,
    firstSeen: '2025-03-01T02:02:11Z',
    lastSeen: '2025-03-01T02:14:40Z',
    source: { component: 'kubelet', host: 'node-1' },
    event: {
      apiVersion: 'v1',
      namespace,
      name: `${name}.17f`,
      uid: `ev-${name}-${seq}`,
      resourceVersion: '1',
    },
    observedAt: '2025-03-01T02:14:41Z',
    collector: { instance: 'c-0', version: '0.1.0' },
    ...o,
    cluster,
    involvedObject: { kind: 'Pod', namespace, name, uid: `uid-${name}`, apiVersion: 'v1' },
  };
}
