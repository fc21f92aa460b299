import { createKafkaAdmin, type KafkaConnectionOptions } from '@kube-herald/bus';
import { KhError } from '@kube-herald/errors';

/** Code of the error {@link checkTopics} throws; `kube-herald notifier` exits 2 on it. */
export const TOPIC_MISSING = 'NOTIFIER_TOPIC_MISSING';

/**
 * Checks at start that the topics the notifier reads and writes exist (it never creates them: the chart's
 * and compose's topic jobs do). Without the DLQ topic every malformed record would stall its partition.
 */
export async function checkTopics(conn: KafkaConnectionOptions, topics: readonly string[]): Promise<void> {
  const admin = createKafkaAdmin({ ...conn, clientId: `${conn.clientId}-topics` });
  const missing: string[] = [];
  try {
    for (const topic of new Set(topics)) if (!(await admin.topicExists(topic))) missing.push(topic);
  } finally {
    await admin.close();
  }
  if (missing.length > 0) {
    throw new KhError(
      TOPIC_MISSING,
      `Kafka topic(s) missing: ${missing.join(', ')} — create them (the chart's and compose's topic jobs do) and start again`,
      { details: { missing } },
    );
  }
}
