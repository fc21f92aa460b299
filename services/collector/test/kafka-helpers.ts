import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKafkaPublisher } from '@kube-herald/bus';
import { freshTopic as freshClusterTopic, readEvents, type TopicEvents } from '@kube-herald/cluster-tests';
import { kafkaBrokers, uniqueName } from '@kube-herald/testing';
import { createStartingPublisher } from '../src/index.js';
import { quietLog } from './helpers.js';

const run = promisify(execFile);

/** A fresh topic (3 partitions) on the test broker. */
export const freshTopic = (): Promise<string> => freshClusterTopic('collector');

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

/** Reads a topic from the beginning into `events` until closed; every record must carry the schema header. */
export const readTopic = (topic: string): Promise<TopicEvents> => readEvents(topic, { schemaHeader: true });

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
