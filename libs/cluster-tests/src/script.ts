import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from '@kube-herald/deploy-tests';

const run = promisify(execFile);

/** Thrown when `scripts/kube.sh` fails; the message carries its stderr. */
export class KubeScriptError extends Error {
  readonly code = 'KUBE_SCRIPT_FAILED';
}

/**
 * Runs `bash scripts/kube.sh <command> [args]` (fault helpers: `restart-apiserver KILL|TERM`,
 * `stop-apiserver`, `start-apiserver`, `compact`); resolves with its stdout.
 */
export async function kubeScript(command: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('bash', ['scripts/kube.sh', command, ...args], {
      cwd: repoRoot(),
      timeout: 180_000,
      maxBuffer: 4 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' && stderr.trim() ? `: ${stderr.trim().slice(-4_000)}` : '';
    throw new KubeScriptError(`kube.sh ${[command, ...args].join(' ')} failed${detail}`, { cause: err });
  }
}
