// Groups and recorded occurrences for the group store's tests.
import { summaryJson } from '../src/pipeline/digest.js';
import { groupId, type GroupRef, type RecordItem } from '../src/store/group-store.js';
import { warning } from './pipeline-harness.js';

/** A group of `receiver` keyed `key` on the root route (wait and interval 1 s, repeat 10 s). */
export function ref(key: string, receiver = 'oncall'): GroupRef {
  return {
    gid: groupId(receiver, key),
    receiver,
    groupKey: key,
    labels: { namespace: key },
    route: 'root',
    groupWait: 1000,
    groupInterval: 1000,
    repeatInterval: 10_000,
  };
}

/**
 * Occurrence `n` (its count) of a BackOff warning of pod `name` in namespace orders, in oncall's group of
 * orders (group wait 0, interval 1 s).
 */
export function ordersItem(n: number, o: { repeatInterval: number; name?: string }): RecordItem {
  const e = warning({ ns: 'orders', name: o.name ?? 'w-0' }, n);
  const receiver = 'oncall';
  const groupKey = 'oncall|namespace=orders';
  return {
    occurrenceId: e.occurrenceId,
    incidentKey: e.incidentKey,
    count: n,
    firstSeenMs: 1,
    lastSeenMs: 2,
    observedAtMs: 3,
    summary: summaryJson(e),
    groups: [
      {
        gid: groupId(receiver, groupKey),
        receiver,
        groupKey,
        labels: { namespace: 'orders' },
        route: 'root',
        groupWait: 0,
        groupInterval: 1000,
        repeatInterval: o.repeatInterval,
      },
    ],
  };
}
