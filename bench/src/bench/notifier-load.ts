import type { BusAdmin, Publisher } from '@kube-herald/bus';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import {
  EVENT_HEADERS,
  encodeEvent,
  incidentKey,
  occurrenceId,
  partitionKey,
  type EventV1,
} from '@kube-herald/events';
import { notifierConfig, robotName, type Plumbing, type RouteSettings } from '../world-config.js';

/** The notifier benches' route: one message per incident within the run (repeats after 4 h). */
const BENCH_ROUTE: RouteSettings = { groupWait: '10s', groupInterval: '1m', repeatInterval: '4h' };

/**
 * Event `n` of a notifier bench: a BackOff of one of 1,000 Pods in 10 namespaces (`ns-0`…`ns-9`), with the
 * Kubernetes Event `uid` seen `count` times.
 */
export function benchEvent(n: number, uid: string, count: number): EventV1 {
  const obj = n % 1000;
  const ns = `ns-${obj % 10}`;
  const name = `pod-${obj}`;
  const now = new Date().toISOString();
  return {
    schema: 'kube-herald.event/v1',
    occurrenceId: occurrenceId({ clusterId: 'bench', eventUid: uid, count }),
    incidentKey: incidentKey({ clusterId: 'bench', namespace: ns, kind: 'Pod', name, reason: 'BackOff' }),
    cluster: { id: 'bench', name: 'bench' },
    type: 'Warning',
    reason: 'BackOff',
    message: `Back-off restarting failed container app in pod ${name}`,
    count,
    firstSeen: now,
    lastSeen: now,
    source: { component: 'kubelet', host: `node-${obj % 7}` },
    involvedObject: { kind: 'Pod', namespace: ns, name, uid: `pod-uid-${obj}`, apiVersion: 'v1' },
    event: { apiVersion: 'v1', namespace: ns, name: `${name}.${n}`, uid, resourceVersion: String(n + 1) },
    observedAt: now,
    collector: { instance: 'bench', version: '0.0.0' },
  };
}

/** Publishes `event(0)`…`event(events - 1)` to `topic` in batches of 1,000. */
export async function publishEvents(
  publisher: Publisher,
  topic: string,
  events: number,
  event: (n: number) => EventV1,
): Promise<void> {
  for (let i = 0; i < events; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, events - i) }, (_, j) => {
      const e = event(i + j);
      return { key: partitionKey(e), value: encodeEvent(e), headers: { ...EVENT_HEADERS } };
    });
    await publisher.publish(topic, batch);
  }
}

/** The events topic (6 partitions) and its DLQ `<topic>.dlq`. */
export async function ensureBenchTopics(admin: BusAdmin, topic: string): Promise<void> {
  await admin.ensureTopics([
    { topic, partitions: 6 },
    { topic: `${topic}.dlq`, partitions: 1 },
  ]);
}

/**
 * A started DingTalk stand-in with robots `robot-0`…`robot-9` (tokens `<tokenPrefix>-<i>`) and the notifier's
 * config document routing to them with {@link BENCH_ROUTE} (DLQ `<topic>.dlq`, HTTP on `port`).
 */
export async function startBenchRobots(
  tokenPrefix: string,
  p: Omit<Plumbing, 'dlqTopic'>,
  port: number,
): Promise<{ dingtalk: DingtalkStandin; doc: Record<string, unknown> }> {
  const dingtalk = createDingtalkStandin({
    robots: Array.from({ length: 10 }, (_, i) => ({
      name: robotName(i),
      token: `${tokenPrefix}-${i}`,
      keywords: ['K8s'],
    })),
  });
  await dingtalk.start();
  const webhooks = Array.from({ length: 10 }, (_, i) => dingtalk.webhookFor(robotName(i)));
  return { dingtalk, doc: notifierConfig(webhooks, BENCH_ROUTE, { ...p, dlqTopic: `${p.topic}.dlq` }, port) };
}
