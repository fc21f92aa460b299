import type { KubeStandin } from '@kube-herald/kube-standin';
import { namespaceName } from './world-config.js';

/** Options of {@link createLoad}. */
export interface LoadOptions {
  readonly kubes: ReadonlyMap<string, KubeStandin>;
  /** Distinct involved objects per cluster. */
  readonly objects: number;
  /** Namespaces (= robots) the objects are spread over. */
  readonly namespaces: number;
  /** Share of operations that repeat (bump) an existing event instead of creating one. Default 0.2. */
  readonly bumpShare?: number;
  readonly reasons?: readonly string[];
  readonly random?: () => number;
  /** Give every created event its own object (`pod-<obj>-<i>`), so a message names it (latency). */
  readonly uniqueNames?: boolean;
}

/** Writes Warning events into the API stand-ins; remembers creation times for latency. */
export interface Load {
  /** One operation (create or bump) on cluster `i % clusters`; returns the object name. */
  one(i: number): string;
  /** `total` operations at `perSecond`, in ticks of 50 ms; resolves when all are written. */
  run(total: number, perSecond: number, signal?: AbortSignal): Promise<number>;
  /** Wall clock (ms) at which the object's first event was created. */
  createdAt(objectName: string): number | undefined;
  /** Wall clock (ms) of every operation (create or bump: one occurrence each), in order. */
  opTimes(): readonly number[];
}

const REASONS = ['BackOff', 'FailedScheduling', 'Unhealthy', 'FailedMount', 'OOMKilling'];

/** Creates a {@link Load}. */
export function createLoad(o: LoadOptions): Load {
  const clusters = [...o.kubes.values()];
  const rnd = o.random ?? Math.random;
  const reasons = o.reasons ?? REASONS;
  const events: { cluster: number; uid: string }[] = [];
  const created = new Map<string, number>();
  const ops: number[] = [];
  const one = (i: number): string => {
    ops.push(Date.now());
    const c = i % clusters.length;
    const k = clusters[c]!;
    if (events.length > 0 && rnd() < (o.bumpShare ?? 0.2)) {
      const pick = events[Math.floor(rnd() * events.length)]!;
      clusters[pick.cluster]!.bumpEvent(pick.uid);
      return '';
    }
    const obj = Math.floor(i / clusters.length) % o.objects;
    const name = o.uniqueNames ? `pod-${obj}-${i}` : `pod-${obj}`;
    const ev = k.createEvent({
      involvedObject: { kind: 'Pod', name, namespace: namespaceName(obj % o.namespaces) },
      reason: reasons[obj % reasons.length]!,
      type: 'Warning',
      message: `Back-off restarting failed container app in pod ${name}`,
      source: { component: 'kubelet', host: `node-${obj % 7}` },
    });
    if (!created.has(name)) created.set(name, Date.now());
    events.push({ cluster: c, uid: ev.metadata.uid ?? '' });
    return name;
  };
  let next = 0;
  return {
    one: (i) => one(i),
    async run(total, perSecond, signal) {
      const start = Date.now();
      let done = 0;
      while (done < total && !signal?.aborted) {
        const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * perSecond) + 1);
        while (done < due) {
          one(next++);
          done += 1;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return done;
    },
    createdAt: (name) => created.get(name),
    opTimes: () => ops,
  };
}
