import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, portOpen, waitUntil } from './ports.js';

/** A private redis-server (appendonly yes, noeviction) owned by a bench or fault run. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** SHUTDOWN (AOF kept) and start again on the same port (`kill9`: SIGKILL instead of SHUTDOWN). */
  restart(options?: { readonly kill9?: boolean }): Promise<void>;
  close(): Promise<void>;
}

function exec(cmd: string, args: readonly string[]): Promise<number> {
  const c = spawn(cmd, [...args], { stdio: 'ignore' });
  return new Promise((resolve) => c.once('exit', (code) => resolve(code ?? 1)));
}

/** Starts Debian's redis-server daemonized in `dir` on a free 127.0.0.1 port. */
export async function startPrivateRedis(dir: string): Promise<PrivateRedis> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'redis.conf');
  const pidFile = join(dir, 'redis.pid');
  writeFileSync(
    conf,
    [
      'bind 127.0.0.1',
      `port ${port}`,
      'daemonize yes',
      `pidfile "${pidFile}"`,
      `logfile "${join(dir, 'redis.log')}"`,
      `dir "${join(dir, 'data')}"`,
      'appendonly yes',
      'appendfsync everysec',
      'maxmemory-policy noeviction',
      'save ""',
      '',
    ].join('\n'),
  );
  const start = async (): Promise<void> => {
    if ((await exec('redis-server', [conf])) !== 0)
      throw new Error(`redis-server failed (see ${dir}/redis.log)`);
    await waitUntil(
      async () => (await exec('redis-cli', ['-p', String(port), 'ping'])) === 0 && portOpen(port),
      20_000,
      'private Redis',
    );
  };
  const stop = async (kill9: boolean): Promise<void> => {
    if (!(await portOpen(port))) return;
    if (kill9) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    else await exec('redis-cli', ['-p', String(port), 'shutdown']);
    await waitUntil(async () => !(await portOpen(port)), 20_000, 'Redis to stop');
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(options) {
      await stop(options?.kill9 ?? false);
      await start();
    },
    close: () => stop(false),
  };
}
