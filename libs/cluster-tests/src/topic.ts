import { createKafkaAdmin, createKafkaSubscriber, type Subscriber } from '@kube-herald/bus';
import { decodeEvent, type EventV1 } from '@kube-herald/events';
import { createLogger } from '@kube-herald/logging';
import { kafkaBrokers, uniqueName } from '@kube-herald/testing';

const quiet = createLogger({ name: 'cluster-tests', level: 'fatal' });

/** A fresh topic (`partitions` partitions) on the test broker. */
export async function freshTopic(prefix: string, partitions = 3): Promise<string> {
  const topic = uniqueName(prefix);
  const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'cluster-tests-admin', log: quiet });
  try {
    await admin.ensureTopics([{ topic, partitions, replicationFactor: 1 }]);
  } finally {
    await admin.close();
  }
  return topic;
}

/** Events read from a topic (from the beginning) until `close()`. */
export interface TopicEvents {
  readonly events: EventV1[];
  close(): Promise<void>;
}

/**
 * Reads `topic` from the beginning into `events`; an undecodable record fails the reader, and so does one
 * without the `schema` header when `o.schemaHeader`.
 */
export async function readEvents(topic: string, o: { schemaHeader?: boolean } = {}): Promise<TopicEvents> {
  const events: EventV1[] = [];
  const sub: Subscriber = createKafkaSubscriber({
    brokers: kafkaBrokers(),
    clientId: 'cluster-tests-reader',
    log: quiet,
    groupId: uniqueName('cluster-tests-reader'),
    topics: [topic],
    fromBeginning: true,
  });
  await sub.start((records) => {
    for (const r of records) {
      const d = decodeEvent(r.value ?? '');
      if (!d.ok) throw new Error(`undecodable record: ${d.detail}`);
      if (o.schemaHeader && r.headers.schema !== 'kube-herald.event/v1')
        throw new Error('schema header missing');
      events.push(d.event);
    }
    return Promise.resolve();
  });
  return { events, close: () => sub.close() };
}
