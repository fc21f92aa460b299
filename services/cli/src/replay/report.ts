import type { EventV1 } from '@kube-herald/events';
import type { Decision } from '@kube-herald/notifier';

/** Counters of one replay (printed as the summary). */
export interface ReplayTally {
  /** Records of the window read from Kafka. */
  read: number;
  /** Records that were not valid events (skipped). */
  invalid: number;
  /** Events passing --cluster/--namespace. */
  selected: number;
  /** Events that joined at least one group (would be / will be sent). */
  matched: number;
  deduped: number;
  silenced: number;
  dropped: number;
  unrouted: number;
  /** (event, group) placements made: occurrences to be delivered. */
  placements: number;
  /** Messages sent and occurrences they carried, failed messages, occurrences left pending. */
  sent: number;
  notified: number;
  failed: number;
  pending: number;
}

/** A zeroed tally. */
export function emptyTally(): ReplayTally {
  return {
    read: 0,
    invalid: 0,
    selected: 0,
    matched: 0,
    deduped: 0,
    silenced: 0,
    dropped: 0,
    unrouted: 0,
    placements: 0,
    sent: 0,
    notified: 0,
    failed: 0,
    pending: 0,
  };
}

/** Counts one decision. */
export function countDecision(t: ReplayTally, d: Decision): void {
  switch (d.kind) {
    case 'deduped':
      t.deduped++;
      return;
    case 'silenced':
      t.silenced++;
      return;
    case 'dropped':
      t.dropped++;
      return;
    case 'unrouted':
      t.unrouted++;
      return;
    case 'grouped':
      t.matched++;
      t.placements += d.groups.length;
      return;
  }
}

function outcome(d: Decision, dryRun: boolean): string {
  switch (d.kind) {
    case 'deduped':
      return 'deduped (already notified; --force sends again)';
    case 'silenced':
      return `silenced by ${d.silenceId}`;
    case 'dropped':
      return `dropped at ${d.route} by ${d.rule}`;
    case 'unrouted':
      return 'no matching route';
    case 'grouped':
      return `${dryRun ? 'would send' : 'send'} → ${d.groups.map((g) => `${g.receiver} (${g.route})`).join(', ')}`;
  }
}

/** One table row: when, where, what, and the decision. */
export function tableRow(e: EventV1, d: Decision, dryRun: boolean): string {
  const o = e.involvedObject;
  const where = `${e.cluster.id}/${o.namespace || '-'}`;
  return `${e.lastSeen}  ${where}  ${o.kind}/${o.name}  ${e.reason} ×${e.count}  ${outcome(d, dryRun)}\n`;
}

/** The summary printed at the end. */
export function summaryText(t: ReplayTally, mode: { dryRun: boolean; interrupted: boolean }): string {
  const head = `replay ${mode.interrupted ? 'interrupted' : 'done'}: read ${t.read}, selected ${t.selected}, matched ${t.matched}, deduped ${t.deduped}, silenced ${t.silenced}, dropped ${t.dropped}, unrouted ${t.unrouted}`;
  const invalid = t.invalid ? `, invalid ${t.invalid}` : '';
  if (mode.dryRun)
    return `${head}${invalid}; dry run: would send ${t.placements} occurrence(s), sent 0, failed 0\n`;
  const pending = t.pending ? `, pending ${t.pending} (left to the notifier fleet)` : '';
  return `${head}${invalid}; sent ${t.sent} message(s) with ${t.notified} occurrence(s), failed ${t.failed}${pending}\n`;
}
