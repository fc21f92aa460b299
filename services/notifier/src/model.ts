import type { EventV1 } from '@kube-herald/events';

/** Labels an event can be grouped by (Alertmanager's groupBy, over event fields). */
export const GROUP_LABELS = [
  'cluster',
  'namespace',
  'kind',
  'name',
  'reason',
  'type',
  'owner',
  'receiver',
] as const;
export type GroupLabel = (typeof GROUP_LABELS)[number];

/** Grouping timing of a route (milliseconds), inherited down the route tree. */
export interface GroupTiming {
  readonly groupBy: readonly GroupLabel[];
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  /** An incident without a new occurrence for this long is reported once as resolved (0: never). */
  readonly resolveAfter?: number;
}

/** One route that an event matched: where it goes and how it is grouped. */
export interface RouteMatch extends GroupTiming {
  /** Stable route id, e.g. `root.routes[1]` or the route's `name` when set. */
  readonly route: string;
  readonly receiver: string;
  /** `receiver|label=value|…` — identity of the group inside one receiver. */
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
}

/** Why a route did or did not take an event (for `route test` and the decision log). */
export interface RouteExplanation {
  readonly route: string;
  readonly outcome: 'matched' | 'dropped' | 'no-match' | 'not-reached';
  readonly detail: string;
}

/** Result of routing one event. `dropped` is set when a drop rule took it. */
export interface RoutingResult {
  readonly matches: readonly RouteMatch[];
  readonly dropped?: { readonly route: string; readonly rule: string };
  readonly explanation: readonly RouteExplanation[];
}

/** What an incident is about: the descriptive fields of its latest event. */
export interface IncidentDescription {
  readonly type: EventV1['type'];
  readonly reason: string;
  readonly message: string;
  readonly cluster: EventV1['cluster'];
  readonly namespace: string;
  readonly object: { readonly kind: string; readonly name: string };
  readonly owner?: { readonly kind: string; readonly name: string };
}

/** An incident (repeats of one problem on one object) as it appears in a digest. */
export interface IncidentSummary extends IncidentDescription {
  readonly incidentKey: string;
  /**
   * new: first time in a message; grown: count went up since the last message; ongoing: repeat reminder;
   * resolved: no new occurrence for the route's resolveAfter (reported once, with its total count).
   */
  readonly status: 'new' | 'grown' | 'ongoing' | 'resolved';
  /** Occurrences accounted in this message (since the last message of this group). */
  readonly newOccurrences: number;
  /** Highest Kubernetes count seen for the incident. */
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Mobile numbers / user ids to mention, from the involved object's label. */
  readonly mentions?: readonly string[];
}

/** What one notification says: the content of a group (or several merged groups) for one receiver. */
export interface Digest {
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly incidents: readonly IncidentSummary[];
  readonly totals: {
    readonly occurrences: number;
    readonly incidents: number;
    readonly newIncidents: number;
    readonly objects: number;
  };
  readonly windowStart: string;
  readonly windowEnd: string;
  /** Several groups merged because the robot's rate budget was exhausted. */
  readonly merged?: { readonly groups: number; readonly nextAt?: string };
  /** Marks `kube-herald test-send`. */
  readonly test?: boolean;
}

/** The outcome of one delivery attempt, classified once at the receiver boundary. */
export interface DeliveryOutcome {
  readonly verdict: 'ok' | 'retry' | 'throttle' | 'permanent';
  readonly code: string;
  readonly errcode?: number;
  readonly errmsg?: string;
  readonly hint?: string;
  readonly durationMs: number;
  /** Unknown outcome (timeout / connection lost after the request was written): a retry may duplicate. */
  readonly ambiguous?: boolean;
  /** For a throttle: the remote's own wait (HTTP `Retry-After`); the robot's block lasts at least this long. */
  readonly retryAfterMs?: number;
}

/** A rendered message for a receiver (a DingTalk or webhook JSON body) plus what it accounts. */
export interface Notification {
  readonly receiver: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly bytes: number;
  readonly incidentKeys: readonly string[];
  readonly occurrences: number;
  readonly truncated: number;
}

/** The Receiver seam: one folder per type, one line in the registry (receivers/README.md). */
export interface Receiver {
  readonly name: string;
  readonly type: string;
  /** Builds the body for a digest (rendering, escaping, size limit). */
  render(digest: Digest): Notification;
  /** Sends a rendered notification; never throws for remote errors, returns a classified outcome. */
  send(notification: Notification): Promise<DeliveryOutcome>;
  /** Rate budget for this receiver (messages per minute), or undefined when unlimited. */
  readonly ratePerMinute?: number;
  /**
   * Optional second budget: most messages to the robot in any rolling second, fleet-wide (Feishu 5/s,
   * Slack ~1/s). Enforced by the rate gate in the same atomic step as `ratePerMinute`; absent: none.
   */
  readonly ratePerSecond?: number;
  /**
   * The robot behind the receiver (a hash of its access token / webhook): every receiver, replica,
   * test-send and replay sending to the same robot shares one rate gate and throttle block.
   */
  readonly robotKey?: string;
  /**
   * What the operator should change for a refused send (test-send prints it under the outcome's `hint`),
   * worded for this receiver's platform and naming its config fields; undefined when there is nothing to fix.
   */
  fixFor?(outcome: DeliveryOutcome): string | undefined;
  close?(): Promise<void>;
}
