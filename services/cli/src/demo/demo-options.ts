import { parseDuration } from '@kube-herald/config';

type Env = Readonly<Record<string, string | undefined>>;

/** `kube-herald demo` flags as commander hands them over. */
export interface DemoFlags {
  readonly scenario: string;
  readonly kubeconfig?: string;
  readonly webhook?: string;
  readonly secret?: string;
  /** Test only: accept an http:// --webhook (a local stand-in). */
  readonly insecureHttp?: boolean;
  readonly clusterId: string;
  readonly duration?: string;
  readonly port: string;
  readonly speed: string;
}

/** One real cluster and one real robot. */
export interface RealTarget {
  readonly kind: 'real';
  readonly kubeconfig: string;
  readonly webhook: string;
  readonly secret?: string;
  /** Test only: the robot is a plain-http stand-in. */
  readonly insecureHttp?: boolean;
  readonly clusterId: string;
}

/** Validated demo settings. */
export type DemoSettings =
  | {
      readonly kind: 'simulated';
      readonly scenario: string;
      readonly pagePort: number;
      readonly speed: number;
      readonly durationMs?: number;
    }
  | (RealTarget & { readonly durationMs?: number });

/** A usage problem, shown as `demo: <message>`. */
export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

/**
 * Reads the flags and the environment: `--kubeconfig`/`KUBECONFIG` plus `--webhook`/`KH_DINGTALK_WEBHOOK`
 * (and `--secret`/`KH_DINGTALK_SECRET`) select a real cluster and robot; otherwise the simulated fleet.
 */
export function demoSettings(flags: DemoFlags, env: Env): DemoSettings {
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration);
  if (flags.duration !== undefined && durationMs === undefined)
    throw new DemoUsageError(`--duration: invalid duration "${flags.duration}" (use e.g. 90s, 10m)`);
  const dur = durationMs === undefined ? {} : { durationMs };
  const webhook = flags.webhook ?? env.KH_DINGTALK_WEBHOOK;
  const secret = flags.secret ?? env.KH_DINGTALK_SECRET;
  const kubeconfig = flags.kubeconfig ?? env.KUBECONFIG;
  if (webhook) {
    if (!kubeconfig)
      throw new DemoUsageError('a real robot (--webhook) needs a real cluster: --kubeconfig or KUBECONFIG');
    return {
      kind: 'real',
      kubeconfig,
      webhook,
      clusterId: flags.clusterId,
      ...(secret ? { secret } : {}),
      ...(flags.insecureHttp === true ? { insecureHttp: true } : {}),
      ...dur,
    };
  }
  if (flags.kubeconfig)
    throw new DemoUsageError('--kubeconfig needs a robot: --webhook (and --secret) or KH_DINGTALK_WEBHOOK');
  const pagePort = Number(flags.port);
  if (!Number.isInteger(pagePort) || pagePort < 0 || pagePort > 65_535)
    throw new DemoUsageError(`--port: "${flags.port}" is not a port number`);
  const speed = Number(flags.speed);
  if (!(speed > 0 && speed <= 100))
    throw new DemoUsageError(`--speed: "${flags.speed}" must be a number in (0, 100]`);
  return { kind: 'simulated', scenario: flags.scenario, pagePort, speed, ...dur };
}
