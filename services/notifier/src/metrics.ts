import { Counter, Gauge, Histogram, type Registry } from '@kube-herald/observability';

const P = 'kube_herald_notifier_';

/** The notifier's metrics. Labels are config-bounded (receivers, routes) or bounded enums (errcodes, reasons). */
export interface NotifierMetrics {
  readonly consumed: Counter;
  readonly dlq: Counter<'reason'>;
  readonly deduped: Counter;
  readonly dropped: Counter<'route'>;
  readonly silenced: Counter;
  readonly grouped: Counter<'receiver'>;
  readonly messagesSent: Counter<'receiver'>;
  readonly eventsNotified: Counter<'receiver'>;
  readonly failed: Counter<'receiver' | 'errcode'>;
  readonly throttled: Counter<'receiver'>;
  readonly rateGateWaits: Counter<'receiver'>;
  readonly deliveryAttempts: Counter<'receiver' | 'verdict'>;
  readonly takesRecovered: Counter;
  readonly errors: Counter<'component'>;
  readonly sanitized: Counter;
  readonly failedEvicted: Counter<'reason'>;
  readonly partitionStalls: Counter;
  readonly stalledPartitions: Gauge;
  readonly consumerLag: Gauge;
  readonly queueDepth: Gauge<'state'>;
  readonly deliveryLatency: Histogram;
}

/** Registers the notifier's metrics on `registry`. */
export function createNotifierMetrics(registry: Registry): NotifierMetrics {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
    new Counter<L>({ name: P + name, help, labelNames, registers });
  return {
    consumed: counter('consumed_total', 'Kafka records consumed'),
    dlq: counter('dlq_total', 'Records sent to the dead-letter topic, by reason', ['reason']),
    deduped: counter('deduped_total', 'Occurrences already seen (redelivery, replicas, replay)'),
    dropped: counter('dropped_total', 'Events taken by a drop rule, by route', ['route']),
    silenced: counter('silenced_total', 'Events matched by a silence'),
    grouped: counter('grouped_total', 'Events recorded into a group, by receiver', ['receiver']),
    messagesSent: counter('messages_sent_total', 'Messages accepted by the receiver', ['receiver']),
    eventsNotified: counter('events_notified_total', 'Occurrences accounted in sent messages', ['receiver']),
    failed: counter('failed_total', 'Deliveries failed permanently, by errcode', ['receiver', 'errcode']),
    throttled: counter('throttled_total', 'Throttle answers (robot blocked fleet-wide)', ['receiver']),
    rateGateWaits: counter('rate_gate_waits_total', 'Deliveries delayed by the rate gate', ['receiver']),
    deliveryAttempts: counter('delivery_attempts_total', 'Send attempts by verdict', ['receiver', 'verdict']),
    takesRecovered: counter(
      'takes_recovered_total',
      'Attempts that found an unfinished take of a crashed attempt (possible duplicate message)',
    ),
    errors: counter('errors_total', 'Errors reported and survived, by component', ['component']),
    sanitized: counter(
      'sanitized_total',
      'Records whose strings were made well-formed (lone UTF-16 surrogates replaced by U+FFFD)',
    ),
    failedEvicted: counter(
      'failed_evicted_total',
      'Failed deliveries removed from the failed set (failed.maxCount / failed.maxAge), by reason',
      ['reason'],
    ),
    partitionStalls: counter(
      'partition_stalls_total',
      'Times a partition made no progress for kafka.stallTimeout (readiness false while it lasts)',
    ),
    stalledPartitions: new Gauge({
      name: `${P}stalled_partitions`,
      help: 'Partitions whose batch in progress made no progress for kafka.stallTimeout',
      registers,
    }),
    consumerLag: new Gauge({
      name: `${P}consumer_lag`,
      help: 'Records of the subscribed topics not yet committed by the consumer group',
      registers,
    }),
    queueDepth: new Gauge({
      name: `${P}queue_depth`,
      help: 'Delivery jobs by state',
      labelNames: ['state'],
      registers,
    }),
    deliveryLatency: new Histogram({
      name: `${P}delivery_latency_seconds`,
      help: 'From the oldest pending observation of an incident (observedAt) to the message being sent',
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    }),
  };
}
