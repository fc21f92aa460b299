import type { Queue } from 'bullmq';
import { gateKeyOf, robotKeyOf } from '../rate-gate.js';
import type { NotifierConfig } from '../config.js';
import type { DeliveryJobData } from '../scheduler.js';
import type { SilenceStore } from '../silences/index.js';
import type { GroupState, StateReader } from './state-reader.js';
import { createGrowthTracker, type GrowthTracker } from './growth.js';
import { createClosedTracker } from './closed-incidents.js';
import { failedViews, maskWebhook } from './failed-view.js';
import type { IncidentView, RobotView, Snapshot } from './views.js';

export type { FailedView, GroupView, IncidentView, RobotView, Snapshot } from './views.js';

/** Dependencies of {@link createSnapshotter}. */
export interface SnapshotDeps {
  readonly config: NotifierConfig;
  readonly reader: StateReader;
  readonly queue: Queue<DeliveryJobData>;
  readonly silences: Pick<SilenceStore, 'list'>;
  /** Rate window of the gate (default 60 000). */
  readonly rateWindowMs?: number;
  /** resolveAfter (ms, 0: never) of a group's route. */
  readonly resolveAfter?: (route: string) => number;
  readonly now?: () => number;
}

/** Builds snapshots; keeps the per-incident count samples behind `growth`. */
export interface Snapshotter {
  snapshot(): Promise<Snapshot>;
}

const GROUP_LIMIT = 1000;
const INCIDENTS_PER_GROUP = 500;
/** Open incidents sent to a page at most (a storm's hundreds fit; the count says when there are more). */
export const INCIDENT_LIMIT = 2000;

interface Summary {
  type?: string;
  reason?: string;
  message?: string;
  cluster?: { id?: string; name?: string };
  namespace?: string;
  object?: { kind?: string; name?: string };
  owner?: { kind?: string; name?: string };
}

function parseSummary(json: string): Summary {
  try {
    return JSON.parse(json) as Summary;
  } catch {
    return {};
  }
}

type Acc = {
  -readonly [K in keyof IncidentView]: IncidentView[K] extends readonly string[] ? string[] : IncidentView[K];
} & { resolved: boolean };

interface MergeOptions {
  readonly quietMs: number;
  readonly now: number;
  readonly resolveAfter: (route: string) => number;
}

function isResolved(g: GroupState, inc: GroupState['incidents'][number], o: MergeOptions): boolean {
  const ra = o.resolveAfter(g.route);
  return ra > 0 && inc.sent && inc.pending === 0 && o.now - inc.lastSeenMs >= ra;
}

function mergeIncidents(groups: readonly GroupState[], growth: GrowthTracker, o: MergeOptions) {
  const { now } = o;
  const byKey = new Map<string, Acc>();
  for (const g of groups) {
    for (const inc of g.incidents) {
      let a = byKey.get(inc.incidentKey);
      if (!a) {
        const s = parseSummary(inc.summary);
        a = {
          incidentKey: inc.incidentKey,
          cluster: s.cluster?.id ?? '',
          clusterName: s.cluster?.name ?? '',
          namespace: s.namespace ?? '',
          kind: s.object?.kind ?? '',
          name: s.object?.name ?? '',
          reason: s.reason ?? '',
          type: s.type ?? '',
          message: s.message ?? '',
          owner: s.owner ? `${s.owner.kind ?? ''}/${s.owner.name ?? ''}` : '',
          receivers: [],
          groupKeys: [],
          count: 0,
          firstSeenMs: inc.firstSeenMs,
          lastSeenMs: 0,
          pending: 0,
          sent: false,
          growth: 0,
          state: 'active',
          resolved: true,
        };
        byKey.set(inc.incidentKey, a);
      }
      if (!a.receivers.includes(g.receiver)) a.receivers.push(g.receiver);
      a.groupKeys.push(g.groupKey);
      a.count = Math.max(a.count, inc.count);
      a.firstSeenMs = Math.min(a.firstSeenMs, inc.firstSeenMs);
      a.lastSeenMs = Math.max(a.lastSeenMs, inc.lastSeenMs);
      a.pending += inc.pending;
      a.sent ||= inc.sent;
      a.resolved &&= isResolved(g, inc, o);
    }
  }
  const out: IncidentView[] = [...byKey.values()].map(({ resolved, ...a }) => ({
    ...a,
    growth: growth.observe(a.incidentKey, a.count, now, a.firstSeenMs),
    state: resolved ? 'resolved' : now - a.lastSeenMs > o.quietMs ? 'quiet' : 'active',
  }));
  growth.retain(new Set(byKey.keys()));
  return out.sort((x, y) => y.lastSeenMs - x.lastSeenMs);
}

async function robots(deps: SnapshotDeps, windowMs: number): Promise<RobotView[]> {
  const delayed = await deps.queue.getDelayed(0, 999);
  const perReceiver = new Map<string, number>();
  for (const j of delayed) perReceiver.set(j.data.receiver, (perReceiver.get(j.data.receiver) ?? 0) + 1);
  return Promise.all(
    deps.config.receivers.map(async (r) => {
      const perMinute = r.ratePerMinute ?? 18;
      const limit = Math.max(1, Math.floor((perMinute * windowMs) / 60_000));
      const webhook = deps.config.secrets.receiver(r.name)?.webhook;
      const gateKey = gateKeyOf({ name: r.name, ...(webhook ? { robotKey: robotKeyOf(webhook) } : {}) });
      const [gate, ready] = await Promise.all([
        deps.reader.gate(gateKey, windowMs),
        deps.reader.readyCount(r.name),
      ]);
      return {
        name: r.name,
        type: r.type,
        webhook: maskWebhook(webhook),
        limit,
        used: gate.used,
        nextSlotInMs: gate.used >= limit ? gate.oldestFreesInMs : 0,
        blockedForMs: gate.blockedForMs,
        throttleLevel: gate.throttleLevel,
        readyGroups: ready,
        delayedJobs: perReceiver.get(r.name) ?? 0,
      };
    }),
  );
}

/** Creates the snapshot builder. */
export function createSnapshotter(deps: SnapshotDeps): Snapshotter {
  const growth = createGrowthTracker(60_000);
  const closed = createClosedTracker();
  const windowMs = deps.rateWindowMs ?? 60_000;
  const now = deps.now ?? Date.now;
  return {
    async snapshot() {
      const at = now();
      const [groups, groupsTotal, robotViews, queue, failed, silences] = await Promise.all([
        deps.reader.groups(GROUP_LIMIT, INCIDENTS_PER_GROUP),
        deps.reader.groupCount(),
        robots(deps, windowMs),
        deps.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
        failedViews(deps.queue),
        deps.silences.list(),
      ]);
      const open = mergeIncidents(groups, growth, {
        quietMs: deps.config.console.quietAfter,
        now: at,
        resolveAfter: deps.resolveAfter ?? (() => 0),
      });
      return {
        at,
        incidents: [...open.slice(0, INCIDENT_LIMIT), ...closed.update(open, at)],
        incidentsOpen: open.length,
        groups: groups.map((g) => ({
          gid: g.gid,
          receiver: g.receiver,
          groupKey: g.groupKey,
          route: g.route,
          incidents: g.incidents.length,
          newIncidents: g.newIncidents,
          pending: g.pending,
          nextCheckMs: g.nextCheckMs,
          lastSentMs: g.lastSentMs,
        })),
        groupsTotal,
        robots: robotViews,
        queue,
        failed,
        silences,
      };
    },
  };
}
