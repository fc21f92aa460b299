import type { EventV1 } from '@kube-herald/events';
import type { GroupLabel } from '../model.js';
import { eventField } from './fields.js';

/** The identity of a group inside one receiver, plus the labels it was built from. */
export interface GroupKey {
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
}

function labelValue(label: GroupLabel, receiver: string, event: EventV1): string {
  return label === 'receiver' ? receiver : eventField(event, label);
}

// `|` and `=` separate the key's parts; escape them (and `%`) so different labels never collide.
function escapeKeyPart(v: string): string {
  return v.replace(/[%|=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Builds `receiver|label=value|…` (labels in sorted order, values escaped) and the label map from a
 * route's `groupBy`. An empty `groupBy` puts every event of the receiver in one group. Pure.
 */
export function groupKeyFor(
  match: { readonly receiver: string; readonly groupBy: readonly GroupLabel[] },
  event: EventV1,
): GroupKey {
  const labels = [...new Set(match.groupBy)].sort();
  const groupLabels: Record<string, string> = {};
  let groupKey = escapeKeyPart(match.receiver);
  for (const label of labels) {
    const value = labelValue(label, match.receiver, event);
    groupLabels[label] = value;
    groupKey += `|${label}=${escapeKeyPart(value)}`;
  }
  return { groupKey, groupLabels };
}
