import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort, portOpen, waitUntil } from './ports.js';

/** A private redis-server (appendonly yes, noeviction) owned by a bench or fault run. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** SHUTDOWN (AOF kept) and start again on the same port (`kill9`: SIGKILL instead of SHUTDOWN). */
  restart(options?: { readonly kill9?: boolean }): Promise<void>;
  /**
   * Only with a replica: SIGKILL of the primary, `REPLICAOF NO ONE` on the replica, the endpoint (`url`)
   * moved to it and the open connections cut (as Sentinel or a managed Redis' endpoint does), then the
   * old primary restarted as a replica of the new one.
   */
  failover?(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startPrivateRedis}. */
export interface PrivateRedisOptions {
  /** The server binary (default `redis-server`, or `KH_REDIS_SERVER`): e.g. a Valkey build for WAITAOF. */
  readonly binary?: string;
  /** `appendfsync` (default everysec). */
  readonly appendfsync?: 'always' | 'everysec' | 'no';
  /** Start a replica too; `url` is then a TCP endpoint in this process that follows the primary. */
  readonly replica?: boolean;
}

function exec(cmd: string, args: readonly string[]): Promise<number> {
  const c = spawn(cmd, [...args], { stdio: 'ignore' });
  return new Promise((resolve) => c.once('exit', (code) => resolve(code ?? 1)));
}

/** The standard output of `cmd` (empty when it fails). */
function output(cmd: string, args: readonly string[]): Promise<string> {
  const c = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  c.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
  return new Promise((resolve) => c.once('close', (code) => resolve(code === 0 ? text : '')));
}

/** One redis-server process on its own port, config and data directory. */
interface Node {
  readonly port: number;
  start(replicaOf?: number): Promise<void>;
  stop(kill9: boolean): Promise<void>;
  cli(...args: string[]): Promise<number>;
  /** Resolves once this replica finished its initial sync (`master_link_status:up`). */
  synced(): Promise<void>;
}

function redisNode(dir: string, port: number, o: PrivateRedisOptions): Node {
  const binary = o.binary ?? process.env['KH_REDIS_SERVER'] ?? 'redis-server';
  const cliBinary = binary.endsWith('valkey-server') ? binary.replace(/server$/, 'cli') : 'redis-cli';
  mkdirSync(join(dir, 'data'), { recursive: true });
  const conf = join(dir, 'redis.conf');
  const pidFile = join(dir, 'redis.pid');
  const cli = (...args: string[]): Promise<number> => exec(cliBinary, ['-p', String(port), ...args]);
  return {
    port,
    cli,
    synced: () =>
      waitUntil(
        async () =>
          /^master_link_status:up\r?$/m.test(
            await output(cliBinary, ['-p', String(port), 'info', 'replication']),
          ),
        30_000,
        'the private Redis replica to sync',
      ),
    async start(replicaOf) {
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
          `appendfsync ${o.appendfsync ?? 'everysec'}`,
          'maxmemory-policy noeviction',
          'save ""',
          ...(replicaOf === undefined ? [] : [`replicaof 127.0.0.1 ${replicaOf}`]),
          '',
        ].join('\n'),
      );
      if ((await exec(binary, [conf])) !== 0) throw new Error(`${binary} failed (see ${dir}/redis.log)`);
      await waitUntil(async () => (await cli('ping')) === 0 && portOpen(port), 20_000, 'private Redis');
    },
    async stop(kill9) {
      if (!(await portOpen(port))) return;
      if (kill9) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      else await cli('shutdown');
      await waitUntil(async () => !(await portOpen(port)), 20_000, 'Redis to stop');
    },
  };
}

/** A TCP endpoint that forwards to the current primary; moving it cuts every open connection. */
function endpoint(port: number, upstream: () => number): { server: Server; cut(): void } {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const up = connect({ host: '127.0.0.1', port: upstream() });
    open.add(client);
    const drop = (): void => {
      open.delete(client);
      client.destroy();
      up.destroy();
    };
    client.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
    client.pipe(up).pipe(client);
  });
  server.listen(port, '127.0.0.1');
  return { server, cut: () => [...open].forEach((s) => s.destroy()) };
}

/** Starts a private Redis (and replica) daemonized in `dir` on free 127.0.0.1 ports. */
export async function startPrivateRedis(dir: string, o: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const nodes = [redisNode(join(dir, 'a'), await freePort(), o)];
  if (o.replica) nodes.push(redisNode(join(dir, 'b'), await freePort(), o));
  let primary = 0;
  await nodes[0]!.start();
  if (!o.replica) {
    const n = nodes[0]!;
    return {
      url: `redis://127.0.0.1:${n.port}`,
      port: n.port,
      async restart(options) {
        await n.stop(options?.kill9 ?? false);
        await n.start();
      },
      close: () => n.stop(false),
    };
  }
  await nodes[1]!.start(nodes[0]!.port);
  // Until its initial (diskless, 5 s delayed) full sync ends the replica acknowledges nothing: a WAIT
  // issued before would measure the sync, not the replication of the writes (the redis-state bench did).
  await nodes[1]!.synced();
  const port = await freePort();
  const ep = endpoint(port, () => nodes[primary]!.port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(options) {
      const n = nodes[primary]!;
      await n.stop(options?.kill9 ?? false);
      await n.start();
      ep.cut();
    },
    async failover() {
      const old = nodes[primary]!;
      const next = nodes[1 - primary]!;
      await old.stop(true);
      if ((await next.cli('replicaof', 'no', 'one')) !== 0) throw new Error('REPLICAOF NO ONE failed');
      primary = 1 - primary;
      ep.cut();
      await old.start(next.port);
    },
    async close() {
      ep.cut();
      await new Promise<void>((r) => ep.server.close(() => r()));
      for (const n of nodes) await n.stop(false);
    },
  };
}
