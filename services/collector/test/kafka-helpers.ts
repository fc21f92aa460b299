import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createKafkaAdmin,
  createKafkaPublisher,
  createKafkaSubscriber,
  type Subscriber,
} from '@kube-herald/bus';
import { decodeEvent, type EventV1 } from '@kube-herald/events';
import { kafkaBrokers, uniqueName } from '@kube-herald/testing';
import { createStartingPublisher } from '../src/index.js';
import { quietLog } from './helpers.js';

const run = promisify(execFile);

/** A fresh topic (3 partitions) on the test broker. */
export async function freshTopic(): Promise<string> {
  const topic = uniqueName('collector');
  const admin = createKafkaAdmin({
    brokers: kafkaBrokers(),
    clientId: 'collector-test-admin',
    log: quietLog,
  });
  try {
    await admin.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }]);
  } finally {
    await admin.close();
  }
  return topic;
}

/** The collector's real publisher on the test broker. */
export function kafkaPublisher() {
  return createStartingPublisher(
    // retries as main.ts wires them (kafka.retries default): failures surface within seconds
    createKafkaPublisher({
      brokers: kafkaBrokers(),
      clientId: uniqueName('collector-test'),
      retries: 3,
      log: quietLog,
    }),
  );
}

/** Reads a topic from the beginning into `events` until closed. */
export async function readTopic(topic: string): Promise<{ events: EventV1[]; close(): Promise<void> }> {
  const events: EventV1[] = [];
  const sub: Subscriber = createKafkaSubscriber({
    brokers: kafkaBrokers(),
    clientId: 'collector-test-reader',
    log: quietLog,
    groupId: uniqueName('collector-reader'),
    topics: [topic],
    fromBeginning: true,
  });
  await sub.start(async (records) => {
    for (const r of records) {
      const d = decodeEvent(r.value ?? '');
      if (!d.ok) throw new Error(`undecodable record: ${d.detail}`);
      if (r.headers.schema !== 'kube-herald.event/v1') throw new Error('schema header missing');
      events.push(d.event);
    }
    return Promise.resolve();
  });
  return { events, close: () => sub.close() };
}

/**
 * `services.sh kafka-restart` with room for a slow start: after a kill -9 the broker recovers every
 * topic's log first, which on a busy shared machine can take longer than the script's default 60 s.
 */
export async function restartKafka(): Promise<void> {
  await run('bash', ['scripts/services.sh', 'kafka-restart'], {
    cwd: join(import.meta.dirname, '../../..'),
    env: { ...process.env, KH_SERVICES_TIMEOUT: '170' },
    timeout: 180_000,
  });
}
