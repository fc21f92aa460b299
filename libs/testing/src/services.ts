import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
// The repository root: the nearest folder above this file holding scripts/services.sh (src/ or dist/src/).
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'scripts', 'services.sh'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('scripts/services.sh not found above libs/testing');
    dir = parent;
  }
  return dir;
}

const ROOT = findRoot();

/** Thrown when `scripts/services.sh` fails; the message carries its stderr (e.g. a broker's last log lines). */
export class ServicesScriptError extends Error {
  readonly code = 'SERVICES_SCRIPT_FAILED';
}

/**
 * Runs `bash scripts/services.sh <command> [args]` from the repository root (fault helpers for tests:
 * `kafka-restart`, `kafka-kill`, `redis-restart`, `cluster-kill-broker <n>`, …). Resolves with its stdout.
 */
export async function servicesScript(command: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('bash', ['scripts/services.sh', command, ...args], {
      cwd: ROOT,
      timeout: 420_000,
      maxBuffer: 4 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' && stderr.trim() ? `: ${stderr.trim().slice(-4_000)}` : '';
    throw new ServicesScriptError(`services.sh ${[command, ...args].join(' ')} failed${detail}`, {
      cause: err,
    });
  }
}

/**
 * Starts the 3-broker cluster if it is not running (idempotent), exports `KH_KAFKA_CLUSTER_BROKERS` into
 * this process, and returns the brokers. Pair with {@link stopKafkaCluster} in `after`.
 */
export async function startKafkaCluster(): Promise<string[]> {
  await servicesScript('start-cluster');
  const env = await readFile(join(ROOT, '.run', 'cluster.env'), 'utf8');
  const match = /^export KH_KAFKA_CLUSTER_BROKERS=(.+)$/m.exec(env);
  if (!match?.[1]) throw new ServicesScriptError('.run/cluster.env has no KH_KAFKA_CLUSTER_BROKERS');
  process.env.KH_KAFKA_CLUSTER_BROKERS = match[1].trim();
  return match[1].trim().split(',');
}

/** Stops the 3-broker cluster (idempotent). */
export async function stopKafkaCluster(): Promise<void> {
  await servicesScript('stop-cluster');
}

/** `kill -9` of cluster broker `n` (1..3). */
export async function killClusterBroker(n: 1 | 2 | 3): Promise<void> {
  await servicesScript('cluster-kill-broker', String(n));
}

/** Starts cluster broker `n` again on its ports and waits until the cluster sees 3 brokers. */
export async function startClusterBroker(n: 1 | 2 | 3): Promise<void> {
  await servicesScript('cluster-start-broker', String(n));
}
