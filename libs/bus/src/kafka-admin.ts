import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { isKhError } from '@kube-herald/errors';
import { busError, BusErrorCode } from './errors.js';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-client.js';
import type { PartitionOffset, TopicSpec } from './types.js';

/** Topic administration and offset look-ups (replay by time, lag). */
export interface BusAdmin {
  /**
   * Creates the topics that do not exist yet (waiting for their leaders); returns the names created. An
   * existing topic is never changed (a different partition count is logged at warn).
   */
  ensureTopics(specs: readonly TopicSpec[]): Promise<string[]>;
  /** Per partition, the offset of the first record with timestamp >= `ms` (the end offset when none). */
  offsetsForTime(topic: string, ms: number): Promise<PartitionOffset[]>;
  /** Per partition, the next offset to be written (high watermark). */
  endOffsets(topic: string): Promise<PartitionOffset[]>;
  /** Records of `topic` not yet committed by `groupId` (a partition without a commit counts from its start). */
  groupLag(groupId: string, topic: string): Promise<number>;
  /** Whether `topic` exists (one metadata request; never creates it). */
  topicExists(topic: string): Promise<boolean>;
  /** The consumer groups known to the cluster, sorted. */
  listGroups(): Promise<string[]>;
  /** Deletes a consumer group without members; a group that does not exist counts as deleted. */
  deleteGroup(groupId: string): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createKafkaAdmin}. */
export type KafkaAdminOptions = KafkaConnectionOptions;

function groupErrorTypes(err: unknown): string[] {
  const groups = err instanceof Error && 'groups' in err && Array.isArray(err.groups) ? err.groups : [];
  return groups.map((g: { error?: { type?: unknown } }) =>
    typeof g.error?.type === 'string' ? g.error.type : 'UNKNOWN',
  );
}

const byPartition = (a: PartitionOffset, b: PartitionOffset): number => a.partition - b.partition;

/** A {@link BusAdmin} on kafkajs' admin client; connects on first use. */
export function createKafkaAdmin(options: KafkaAdminOptions): BusAdmin {
  const admin: Admin = createKafkaClient(options).admin({
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  const log = options.log.child({ component: 'kafka-admin' });
  let connected: Promise<void> | undefined;
  let closing: Promise<void> | undefined;

  // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a multi-broker cluster
  // answers for a moment after creation; poll until every partition has a leader.
  async function waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics });
        if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (err) {
        const retriable = err instanceof Error && 'retriable' in err && err.retriable === true;
        if (!retriable || Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline)
        throw busError(BusErrorCode.adminFailed, `no leaders for ${topics.join(',')}`);
      await sleep(200);
    }
  }

  // Growing partitions would move keys to other partitions (breaking per-key order): report, never change.
  async function warnOnPartitionMismatch(specs: readonly TopicSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
    for (const spec of specs) {
      const have = topics.find((t) => t.name === spec.topic)?.partitions.length;
      if (have !== undefined && have !== spec.partitions) {
        log.warn(
          { topic: spec.topic, have, want: spec.partitions },
          'topic exists with another partition count; left as is',
        );
      }
    }
  }

  async function use<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (closing) throw busError(BusErrorCode.closed, 'admin is closed');
    try {
      await (connected ??= admin.connect());
      return await fn();
    } catch (err) {
      if (isKhError(err)) throw err;
      if (err instanceof Error && 'type' in err && err.type === 'UNKNOWN_TOPIC_OR_PARTITION') {
        throw busError(BusErrorCode.unknownTopic, `${what}: unknown topic`, err, 'permanent');
      }
      throw busError(BusErrorCode.adminFailed, `${what} failed`, err, 'retry');
    }
  }

  // kafkajs reports per-group failures in `groups`; "does not exist" is what deleting wants anyway.
  async function deleteGroup(groupId: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await admin.deleteGroups([groupId]);
        return;
      } catch (err) {
        const types = groupErrorTypes(err);
        if (types.length > 0 && types.every((t) => t === 'GROUP_ID_NOT_FOUND')) return;
        // a member that just left may still be counted for a moment
        if (attempt >= 10 || !types.includes('NON_EMPTY_GROUP')) throw err;
        await sleep(200);
      }
    }
  }

  return {
    topicExists: (topic) => use('topicExists', async () => (await admin.listTopics()).includes(topic)),
    listGroups: () =>
      use('listGroups', async () => (await admin.listGroups()).groups.map((g) => g.groupId).sort()),
    deleteGroup: (groupId) => use(`deleteGroup(${groupId})`, () => deleteGroup(groupId)),
    ensureTopics: (specs) =>
      use('ensureTopics', async () => {
        const existing = new Set(await admin.listTopics());
        const missing = specs.filter((s) => !existing.has(s.topic));
        await warnOnPartitionMismatch(specs.filter((s) => existing.has(s.topic)));
        if (missing.length === 0) return [];
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((s) => ({
            topic: s.topic,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor ?? -1,
            configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
        await waitForLeaders(missing.map((s) => s.topic));
        return missing.map((s) => s.topic);
      }),
    offsetsForTime: (topic, ms) =>
      use(`offsetsForTime(${topic})`, async () =>
        (await admin.fetchTopicOffsetsByTimestamp(topic, ms))
          .map(({ partition, offset }) => ({ partition, offset }))
          .sort(byPartition),
      ),
    endOffsets: (topic) =>
      use(`endOffsets(${topic})`, async () =>
        (await admin.fetchTopicOffsets(topic))
          .map(({ partition, high }) => ({ partition, offset: high }))
          .sort(byPartition),
      ),
    groupLag: (groupId, topic) =>
      use(`groupLag(${groupId}, ${topic})`, async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        let lag = 0n;
        for (const end of ends) {
          const c = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          const from = BigInt(c) >= 0n ? BigInt(c) : BigInt(end.low);
          if (BigInt(end.high) > from) lag += BigInt(end.high) - from;
        }
        return Number(lag);
      }),
    close: () =>
      (closing ??= (async () => {
        if (connected) {
          await connected.catch(() => undefined);
          await admin.disconnect();
        }
      })()),
  };
}
