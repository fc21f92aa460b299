import { KubeConfig, Watch } from '@kubernetes/client-node';
import { createKubeStandin, type KubeStandin, type KubeStandinOptions } from '../src/index.js';

export interface Running {
  readonly standin: KubeStandin;
  readonly kc: KubeConfig;
  readonly url: string;
}

/** Starts a stand-in on a free port and loads its kubeconfig the way the collector will. */
export async function startStandin(options: KubeStandinOptions = {}): Promise<Running> {
  const standin = createKubeStandin(options);
  const { url } = await standin.start();
  const kc = new KubeConfig();
  kc.loadFromFile(await standin.kubeconfigPath());
  return { standin, kc, url };
}

export interface WatchLine {
  readonly type: string;
  readonly object: {
    metadata?: { resourceVersion?: string; name?: string; uid?: string };
    [k: string]: unknown;
  };
}

export interface Collected {
  readonly lines: WatchLine[];
  /** Resolves with the error given to `done` (null for a clean end). */
  readonly done: Promise<unknown>;
  waitFor(n: number, timeoutMs?: number): Promise<WatchLine[]>;
  abort(): void;
}

/** Opens a watch through client-node's Watch and collects what the callback receives. */
export async function collectWatch(
  kc: KubeConfig,
  path: string,
  params: Record<string, string | number | boolean>,
): Promise<Collected> {
  const lines: WatchLine[] = [];
  let resolveDone!: (err: unknown) => void;
  const done = new Promise<unknown>((r) => (resolveDone = r));
  const waiters: Array<() => void> = [];
  const controller = await new Watch(kc).watch(
    path,
    params,
    (type, object) => {
      lines.push({ type, object: object as WatchLine['object'] });
      waiters.forEach((w) => w());
    },
    (err) => resolveDone(err),
  );
  return {
    lines,
    done,
    abort: () => controller.abort(),
    waitFor(n, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (lines.length >= n) {
            clearTimeout(timer);
            resolve(lines.slice(0, n));
          }
        };
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${n} watch lines, got ${JSON.stringify(lines)}`)),
          timeoutMs,
        );
        waiters.push(check);
        check();
      });
    },
  };
}

/** Resolves `p` or rejects after `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function podEvent(name: string, namespace = 'default', reason = 'BackOff') {
  return {
    involvedObject: { kind: 'Pod', name, namespace },
    reason,
    message: `Back-off restarting failed container ${name}`,
    type: 'Warning',
    source: { component: 'kubelet', host: 'node-1' },
  };
}
