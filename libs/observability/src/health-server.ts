import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '@kube-herald/logging';
import { http } from '@kube-herald/process';

/** A named readiness or liveness check; returns true when healthy, or a reason string when not. */
export type Check = () => boolean | string | Promise<boolean | string>;

/** Options of {@link createHealthServer}. */
export interface HealthServerOptions {
  readonly registry: Registry;
  readonly log: Logger;
  readonly host?: string;
  readonly port: number;
  readonly live?: Readonly<Record<string, Check>>;
  readonly ready?: Readonly<Record<string, Check>>;
}

/** The HTTP side of a service: `/metrics`, `/healthz`, `/readyz`. */
export interface HealthServer {
  start(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

async function runChecks(
  checks: Readonly<Record<string, Check>>,
): Promise<{ ok: boolean; failed: Record<string, string> }> {
  const failed: Record<string, string> = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      const res = await check();
      if (res !== true) failed[name] = res === false ? 'failed' : res;
    } catch (err) {
      failed[name] = err instanceof Error ? err.message : 'error';
    }
  }
  return { ok: Object.keys(failed).length === 0, failed };
}

/** Builds the health/metrics server; call `start()` to listen. */
export function createHealthServer(options: HealthServerOptions): HealthServer {
  let server: Server | undefined;
  let closing: Promise<void> | undefined;
  const handle = async (path: string): Promise<{ status: number; type: string; body: string }> => {
    if (path === '/metrics') {
      return { status: 200, type: options.registry.contentType, body: await options.registry.metrics() };
    }
    if (path === '/healthz' || path === '/readyz') {
      const res = await runChecks((path === '/healthz' ? options.live : options.ready) ?? {});
      return { status: res.ok ? 200 : 503, type: 'application/json', body: JSON.stringify(res) };
    }
    return { status: 404, type: 'text/plain', body: 'not found' };
  };
  return {
    async start() {
      server = http.createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        handle(path).then(
          (r) => res.writeHead(r.status, { 'content-type': r.type }).end(r.body),
          (err: unknown) => {
            options.log.warn({ err, path }, 'health server request failed');
            res.writeHead(500).end();
          },
        );
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(options.port, options.host ?? '0.0.0.0', resolve);
      });
      const port = (server.address() as AddressInfo).port;
      return { port, url: `http://127.0.0.1:${port}` };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
