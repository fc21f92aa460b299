import type { Logger } from '@kube-herald/logging';
import type { EventSink } from './event-source.js';
import type { KubeClient } from './kube-client.js';
import type { CollectorMetrics } from './metrics.js';

/** Why a watch ended. */
export type EndReason = 'closed' | 'stall' | 'expired' | 'error' | 'backpressure' | 'shutdown';

/** How a watch ended. */
export interface WatchEnd {
  readonly reason: EndReason;
  readonly err?: unknown;
  /** The watch was answered and delivered lines (or lived a while): a later failure starts the back-off anew. */
  healthy?: boolean;
}

/** The watch in progress, as the reflector steers it. */
export interface ActiveWatch {
  stop(reason: EndReason): void;
  pause(): void;
  resume(): void;
}

/** What a reflector's list, watch and retry loop share: its scope and where it stands. */
export interface ReflectorState {
  readonly client: KubeClient;
  /** The collection path of its Events. */
  readonly path: string;
  /** `*` or its namespace (the scope of its checkpoint positions). */
  readonly scope: string;
  readonly log: Logger;
  readonly metrics: CollectorMetrics;
  readonly now: () => number;
  sink: EventSink;
  /** The last resourceVersion delivered: where the next watch starts (undefined: LIST first). */
  rv: string | undefined;
  /** The reason the next LIST is counted under. */
  relistReason: string;
  paused: boolean;
  closed: boolean;
  /** A LIST completed (or it resumed from a checkpoint). */
  listed: boolean;
  current: ActiveWatch | undefined;
}
