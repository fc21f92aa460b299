import {
  createKafkaAdmin,
  createKafkaSubscriber,
  type BusAdmin,
  type BusRecord,
  type Subscriber,
} from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';

/** Reads a topic from its beginning in its own consumer group, handing every record to `onRecord`. */
export interface TopicReader {
  start(): Promise<void>;
  /** Records handed over so far. */
  count(): number;
  /** Resolves when the group has read everything written so far (lag 0). */
  caughtUp(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Options of {@link createTopicReader}. */
export interface TopicReaderOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  readonly log: Logger;
  readonly onRecord: (record: BusRecord) => void;
}

/** Creates a {@link TopicReader}. */
export function createTopicReader(o: TopicReaderOptions): TopicReader {
  const conn = { brokers: o.brokers, clientId: `kh-bench-reader`, log: o.log };
  let subscriber: Subscriber | undefined;
  let admin: BusAdmin | undefined;
  let n = 0;
  return {
    async start() {
      admin = createKafkaAdmin(conn);
      subscriber = createKafkaSubscriber({
        ...conn,
        groupId: o.groupId,
        topics: [o.topic],
        fromBeginning: true,
        maxRetryDelayMs: 2000,
      });
      await subscriber.start(async (records) => {
        for (const r of records) o.onRecord(r);
        n += records.length;
        await Promise.resolve();
      });
    },
    count: () => n,
    async caughtUp(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        try {
          if (admin && (await admin.groupLag(o.groupId, o.topic)) === 0) return true;
        } catch {
          // broker restarting: ask again
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      return false;
    },
    async close() {
      await subscriber?.close();
      await admin?.close();
    },
  };
}
