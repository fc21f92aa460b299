import { connect } from 'node:net';
import { runtimeError } from '../exit-codes.js';

function reachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(address.trim());
  return { host: m?.[1] || '127.0.0.1', port: m?.[2] ? Number(m[2]) : defaultPort };
}

/**
 * Fails fast (exit 2, one line) when none of the addresses accepts a TCP connection: the Kafka and
 * Redis clients would otherwise retry for a long time before giving up.
 */
export async function assertReachable(
  what: string,
  addresses: readonly string[],
  defaultPort: number,
  timeoutMs = 3000,
): Promise<void> {
  for (const a of addresses) {
    const { host, port } = hostPort(a, defaultPort);
    if (await reachable(host, port, timeoutMs)) return;
  }
  throw runtimeError(`${what} is unreachable at ${addresses.join(', ')}`);
}

/** `host:port` of a redis:// URL (credentials are never part of the answer). */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || '127.0.0.1'}:${u.port || '6379'}`;
  } catch {
    return url;
  }
}
