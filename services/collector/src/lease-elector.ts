import { errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import { kubeHttpError, type KubeClient } from './kube-client.js';
import type { CollectorMetrics } from './metrics.js';
import { createWaker } from './waker.js';

/** Options of {@link createLeaseElector} (durations in milliseconds). */
export interface LeaseElectorOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  readonly onStartedLeading: () => Promise<void>;
  /** `lost`: another replica leads now; `shutdown`: we are stopping and will release the Lease. */
  readonly onStoppedLeading: (why: 'lost' | 'shutdown') => Promise<void>;
  readonly now?: () => number;
  /** Written with every renewal into the Lease's {@link CHECKPOINT_ANNOTATION} (kept when undefined). */
  readonly checkpoint?: () => string | undefined;
}

/** Annotation of the Lease carrying the leader's checkpoint (`<ms since epoch>|<positions>`). */
export const CHECKPOINT_ANNOTATION = 'kube-herald.io/checkpoint';

/** Leader election on a coordination.k8s.io/v1 Lease (client-go semantics, optimistic concurrency). */
export interface LeaseElector {
  start(): void;
  isLeader(): boolean;
  /**
   * True only while leading with the last renewal successful and younger than renewDeadline: the moment a
   * renewal fails or is late, publishing stops (another replica may take over once the lease expires).
   */
  mayPublish(): boolean;
  /** The {@link CHECKPOINT_ANNOTATION} of the Lease as read when this replica last took it. */
  observedCheckpoint(): string | undefined;
  /** Stops campaigning; a leader stops leading (callback awaited) and releases the Lease. */
  close(): Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec?: LeaseSpec;
}

type Attempt = 'held' | 'other' | 'conflict';

/** MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Creates a {@link LeaseElector}. */
export function createLeaseElector(o: LeaseElectorOptions): LeaseElector {
  const log = o.log.child({ component: 'lease', lease: `${o.namespace}/${o.name}`, identity: o.identity });
  const now = o.now ?? Date.now;
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(o.namespace)}/leases`;
  const path = `${collection}/${encodeURIComponent(o.name)}`;
  const durationSeconds = Math.max(1, Math.round(o.leaseDurationMs / 1000));
  let leader = false;
  let closed = false;
  let lastRenew = 0;
  let lastAttemptOk = false;
  let observedCheckpoint: string | undefined;
  let observed = '';
  let observedAt = 0;
  let loop: Promise<void> | undefined;
  const waker = createWaker();
  let closing: Promise<void> | undefined;

  // Every lease request ends before renewDeadline; a leader's ends before its own renewal deadline, so a
  // late answer can never extend a leadership the other replicas already consider over.
  const timeoutMs = (): number => {
    const cap = o.renewDeadlineMs - o.retryPeriodMs;
    if (!leader) return Math.max(100, cap);
    return Math.max(100, Math.min(cap, lastRenew + o.renewDeadlineMs - now()));
  };
  const write = async (method: 'POST' | 'PUT', body: Lease): Promise<Attempt> => {
    const res = await o.client.request(method, method === 'POST' ? collection : path, body, {
      timeoutMs: timeoutMs(),
    });
    if (res.status === 200 || res.status === 201) return 'held';
    if (res.status === 409) return 'conflict';
    throw kubeHttpError(res.status, `${method} lease`, res.body);
  };

  const annotations = (lease: Lease | undefined): { annotations?: Record<string, string> } => {
    const value = leader ? o.checkpoint?.() : undefined;
    const previous = lease?.metadata?.annotations;
    if (!leader) observedCheckpoint = previous?.[CHECKPOINT_ANNOTATION];
    if (value === undefined) return previous ? { annotations: previous } : {};
    return { annotations: { ...previous, [CHECKPOINT_ANNOTATION]: value } };
  };
  const claim = (lease: Lease | undefined, t: number, spec: LeaseSpec): Lease => {
    const takeover = spec.holderIdentity !== o.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...lease?.metadata, name: o.name, namespace: o.namespace, ...annotations(lease) },
      spec: {
        ...spec,
        holderIdentity: o.identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: microTime(t),
        acquireTime: takeover ? microTime(t) : (spec.acquireTime ?? microTime(t)),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (takeover && lease ? 1 : 0),
      },
    };
  };

  async function attempt(): Promise<Attempt> {
    const got = await o.client.request('GET', path, undefined, { timeoutMs: timeoutMs() });
    const t = now();
    if (got.status === 404) return write('POST', claim(undefined, t, {}));
    if (got.status !== 200) throw kubeHttpError(got.status, 'GET lease', got.body);
    const lease = (got.body ?? {}) as Lease;
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    // Expiry is judged on our own clock: when did we last see the record change (client-go does the same).
    const record = `${holder}|${spec.renewTime ?? ''}|${lease.metadata?.resourceVersion ?? ''}`;
    if (record !== observed) {
      observed = record;
      observedAt = t;
    }
    const durMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder && holder !== o.identity && observedAt + durMs > t) return 'other';
    return write('PUT', claim(lease, t, spec));
  }

  const setLeader = async (value: boolean, why: 'lost' | 'shutdown' = 'lost'): Promise<void> => {
    if (leader === value) return;
    leader = value;
    o.metrics.leader.set(value ? 1 : 0);
    log.info({ leader: value, why: value ? undefined : why }, value ? 'became leader' : 'stopped leading');
    try {
      await (value ? o.onStartedLeading() : o.onStoppedLeading(why));
    } catch (err) {
      o.metrics.leaseErrors.inc({ code: 'callback_failed' });
      log.warn({ err }, 'leadership transition callback failed');
    }
  };

  async function tick(): Promise<void> {
    let result: Attempt | 'error' = 'error';
    const started = now();
    try {
      result = await attempt();
    } catch (err) {
      o.metrics.leaseErrors.inc({ code: errorCode(err) });
      log.warn({ err }, 'lease read/write failed');
    }
    if (closed) return;
    lastAttemptOk = result === 'held';
    if (result === 'held') {
      lastRenew = started; // the renewTime written was taken after this; the deadline counts from the attempt
      await setLeader(true);
    } else if (leader && (result === 'other' || now() - lastRenew > o.renewDeadlineMs)) {
      await setLeader(false, 'lost');
    }
  }

  async function run(): Promise<void> {
    while (!closed) {
      await tick();
      if (closed) break;
      await waker.sleep(o.retryPeriodMs);
    }
  }

  async function release(): Promise<void> {
    try {
      const got = await o.client.request('GET', path);
      const lease = (got.body ?? {}) as Lease;
      if (got.status !== 200 || lease.spec?.holderIdentity !== o.identity) return;
      const spec: LeaseSpec = {
        ...lease.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: microTime(now()),
      };
      const res = await o.client.request('PUT', path, { ...lease, spec });
      if (res.status !== 200) throw kubeHttpError(res.status, 'release lease', res.body);
      log.info('lease released');
    } catch (err) {
      o.metrics.leaseErrors.inc({ code: errorCode(err) });
      log.warn({ err }, 'could not release the lease; the standby takes over when it expires');
    }
  }

  async function doClose(): Promise<void> {
    closed = true;
    waker.wake();
    await loop;
    if (leader) {
      await setLeader(false, 'shutdown');
      await release();
    }
  }

  return {
    start() {
      loop ??= run();
    },
    isLeader: () => leader,
    observedCheckpoint: () => observedCheckpoint,
    // In doubt: the last attempt failed, or no renewal succeeded for three retry periods (one is running late).
    mayPublish: () =>
      leader && lastAttemptOk && now() < lastRenew + Math.min(o.renewDeadlineMs, 3 * o.retryPeriodMs),
    close: () => (closing ??= doClose()),
  };
}
