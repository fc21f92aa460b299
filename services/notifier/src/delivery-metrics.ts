import { Counter, Gauge, type Registry } from '@kube-herald/observability';

const P = 'kube_herald_notifier_';

/** Metrics of the delivery side beyond {@link NotifierMetrics} (labels: configured receivers only). */
export interface DeliveryMetrics {
  /** Length of the latest throttle block of a receiver's robot (escalates 60 s → 10 min). */
  readonly throttleBlock: Gauge<'receiver'>;
  /** Sends whose outcome was unknown (timeout / connection lost after the request was written), retried. */
  readonly possibleDuplicates: Counter<'receiver'>;
  /** Jobs that stalled out (worker died repeatedly) or failed for good with a take: the take was put back. */
  readonly takesRestored: Counter<'reason'>;
  /** Commits after a successful send that failed and were retried in place. */
  readonly commitRetries: Counter;
}

/** Registers the delivery metrics on `registry`. */
export function createDeliveryMetrics(registry: Registry): DeliveryMetrics {
  const registers = [registry];
  return {
    throttleBlock: new Gauge({
      name: `${P}throttle_block_seconds`,
      help: "Length of the latest throttle block of the receiver's robot (doubles per throttle, reset after a clean period)",
      labelNames: ['receiver'],
      registers,
    }),
    possibleDuplicates: new Counter({
      name: `${P}possible_duplicates_total`,
      help: 'Sends with an unknown outcome (timeout or connection lost after the request was written), retried: each may be a duplicate message',
      labelNames: ['receiver'],
      registers,
    }),
    takesRestored: new Counter({
      name: `${P}takes_restored_total`,
      help: 'Takes put back after a job ended without committing them (stalled out, attempts exhausted), by reason',
      labelNames: ['reason'],
      registers,
    }),
    commitRetries: new Counter({
      name: `${P}commit_retries_total`,
      help: 'Commits after a successful send retried in place (Redis failed while recording the send)',
      registers,
    }),
  };
}
