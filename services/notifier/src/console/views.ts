import type { Silence } from '../silences/index.js';

/** One open incident, merged over the groups (receivers) that hold it. */
export interface IncidentView {
  readonly incidentKey: string;
  readonly cluster: string;
  readonly clusterName: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly reason: string;
  readonly type: string;
  readonly message: string;
  readonly owner: string;
  readonly receivers: readonly string[];
  readonly groupKeys: readonly string[];
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly pending: number;
  readonly sent: boolean;
  /** Count gained in about the last minute (since the console first saw the incident when younger). */
  readonly growth: number;
  /**
   * quiet: no event for `console.quietAfter`; resolved: notified, then silent for its route's resolveAfter, or
   * gone from the live state (its resolved notice went out, or it was pruned idle) — then with `closedAtMs`.
   */
  readonly state: 'active' | 'quiet' | 'resolved';
  readonly closedAtMs?: number;
}

/** One group waiting for its next flush. */
export interface GroupView {
  readonly gid: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly route: string;
  readonly incidents: number;
  readonly newIncidents: number;
  readonly pending: number;
  readonly nextCheckMs: number;
  readonly lastSentMs: number;
}

/** A robot: its budget in the current window, throttle block and queue. */
export interface RobotView {
  readonly name: string;
  readonly type: string;
  /** The webhook with its token masked (never the token itself). */
  readonly webhook: string;
  readonly limit: number;
  readonly used: number;
  readonly nextSlotInMs: number;
  readonly blockedForMs: number;
  /** Escalation level of the last throttle block (-1: none remembered). */
  readonly throttleLevel: number;
  readonly readyGroups: number;
  readonly delayedJobs: number;
}

/** A failed delivery with the platform's errcode and the operator hint. */
export interface FailedView {
  readonly id: string;
  readonly receiver: string;
  readonly gid: string;
  readonly failedAtMs: number | undefined;
  readonly attempts: number;
  readonly errcode: string;
  readonly code: string;
  readonly hint: string;
  readonly reason: string;
}

/** What the console shows: one snapshot of the fleet's shared state. */
export interface Snapshot {
  readonly at: number;
  /** Open incidents (the most recent `INCIDENT_LIMIT`), then the recently closed ones. */
  readonly incidents: readonly IncidentView[];
  /** Open incidents in all (the list above may show fewer). */
  readonly incidentsOpen: number;
  readonly groups: readonly GroupView[];
  readonly groupsTotal: number;
  readonly robots: readonly RobotView[];
  readonly queue: Readonly<Record<string, number>>;
  readonly failed: readonly FailedView[];
  readonly silences: readonly Silence[];
}
