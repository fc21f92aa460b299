import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@kube-herald/logging';
import { backoffDelay } from './backoff.js';
import { busError, BusErrorCode } from './errors.js';
import type { BusAdmin } from './kafka-admin.js';
import { MemoryLog } from './memory-log.js';
import type { BusRecord, Publisher, Subscriber, SubscriberHandler, SubscriberOptions } from './types.js';

/** Options of {@link createMemoryBus}. */
export interface MemoryBusOptions {
  /** Partitions of topics created on first publish (default 3). */
  readonly partitions?: number;
  /** Most records handed to one handler call (default 100). */
  readonly maxBatch?: number;
  /** Where handler failures are reported (warn); silent without it. */
  readonly log?: Logger;
}

/** An in-memory bus with Kafka's semantics that matter to components (partitions, keys, group offsets). */
export interface MemoryBus {
  /** A publisher shared by callers (start it first); {@link MemoryBus.createPublisher} makes more. */
  readonly publisher: Publisher;
  createPublisher(): Publisher;
  subscriber(options: SubscriberOptions): Subscriber;
  /** Every record of `topic`, partition by partition in offset order. */
  records(topic: string): BusRecord[];
  readonly admin: BusAdmin;
}

function createMemoryPublisher(store: MemoryLog): Publisher {
  let state: 'new' | 'started' | 'closed' = 'new';
  return {
    start: () => {
      if (state === 'closed') return Promise.reject(busError(BusErrorCode.closed, 'publisher is closed'));
      state = 'started';
      return Promise.resolve();
    },
    publish: async (topic, messages) => {
      if (state === 'closed') throw busError(BusErrorCode.closed, 'publisher is closed');
      if (state !== 'started') throw busError(BusErrorCode.notStarted, 'publisher.start() has not completed');
      for (const m of messages) {
        if (typeof m.value !== 'string' && !Buffer.isBuffer(m.value)) {
          throw busError(
            BusErrorCode.invalidMessage,
            `message value for ${topic} must be a string or Buffer`,
          );
        }
      }
      await Promise.resolve();
      store.append(topic, messages);
    },
    close: () => {
      state = 'closed';
      return Promise.resolve();
    },
  };
}

function createMemorySubscriber(
  store: MemoryLog,
  options: SubscriberOptions,
  maxBatch: number,
  log: Logger | undefined,
): Subscriber {
  if (options.topics.length === 0) {
    throw busError(BusErrorCode.invalidOptions, `subscriber ${options.groupId} needs at least one topic`);
  }
  const memberId = randomUUID();
  const { groupId, topics } = options;
  const initial = new Map<string, number>();
  const abort = new AbortController();
  let loop: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let closed = false;

  const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
  const owns = (topic: string, partition: number): boolean =>
    !closed &&
    store.assigned(groupId, memberId, topics).some((a) => a.topic === topic && a.partition === partition);
  const position = (topic: string, partition: number): number =>
    store.committedOffset(groupId, topic, partition) ?? initial.get(key(topic, partition)) ?? 0;

  async function pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: abort.signal }).catch((err: unknown) => {
      if (!abort.signal.aborted) throw err;
    });
  }

  function waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        store.changes.off('change', done);
        abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      store.changes.on('change', done);
      abort.signal.addEventListener('abort', done);
    });
  }

  async function handle(handler: SubscriberHandler, topic: string, partition: number): Promise<boolean> {
    const from = position(topic, partition);
    const records = store.partitions(topic)[partition]?.slice(from, from + maxBatch) ?? [];
    if (records.length === 0) return false;
    const ctx = {
      topic,
      partition,
      heartbeat: () => Promise.resolve(),
      isStale: () => !owns(topic, partition),
    };
    for (let attempt = 0; ; attempt += 1) {
      if (!owns(topic, partition)) return false;
      try {
        await handler(records, ctx);
        break;
      } catch (err) {
        // Same records again after a back-off; the contract never skips a failing batch.
        log?.warn(
          { err, topic, partition, attempt },
          'handler failed; retrying the same records after back-off',
        );
        await pause(backoffDelay(attempt, options.retryDelayMs ?? 200, options.maxRetryDelayMs ?? 30_000));
      }
    }
    if (!owns(topic, partition)) return false;
    store.commit(groupId, topic, partition, from + records.length);
    return true;
  }

  async function run(handler: SubscriberHandler): Promise<void> {
    while (!closed) {
      let worked = false;
      for (const { topic, partition } of store.assigned(groupId, memberId, topics)) {
        if (await handle(handler, topic, partition)) worked = true;
      }
      if (!worked && !closed) await waitForChange(100);
    }
  }

  return {
    start: (handler) => {
      if (closed) return Promise.reject(busError(BusErrorCode.closed, 'subscriber is closed'));
      if (loop) return Promise.resolve();
      for (const topic of topics) {
        store.createTopic(topic);
        store.partitions(topic).forEach((records, partition) => {
          if (!options.fromBeginning) initial.set(key(topic, partition), records.length);
        });
      }
      store.join(groupId, memberId);
      loop = run(handler);
      return Promise.resolve();
    },
    close: () =>
      (closing ??= (async () => {
        closed = true;
        abort.abort();
        await loop;
        store.leave(groupId, memberId);
      })()),
    lag: () => {
      let lag = 0;
      for (const topic of topics) {
        store.partitions(topic).forEach((records, partition) => {
          lag += records.length - (store.committedOffset(groupId, topic, partition) ?? 0);
        });
      }
      return Promise.resolve(lag);
    },
  };
}

function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

function createMemoryAdmin(store: MemoryLog): BusAdmin {
  const offsets = (topic: string, pick: (records: BusRecord[]) => number) => {
    if (!store.has(topic)) throw busError(BusErrorCode.unknownTopic, `unknown topic ${topic}`);
    return store
      .partitions(topic)
      .map((records, partition) => ({ partition, offset: String(pick(records)) }));
  };
  return {
    ensureTopics: (specs) =>
      Promise.resolve(specs.filter((s) => store.createTopic(s.topic, s.partitions)).map((s) => s.topic)),
    offsetsForTime: (topic, ms) =>
      settle(() =>
        offsets(topic, (records) => {
          const i = records.findIndex((r) => r.timestamp >= ms);
          return i < 0 ? records.length : i;
        }),
      ),
    endOffsets: (topic) => settle(() => offsets(topic, (records) => records.length)),
    groupLag: (groupId, topic) =>
      settle(() =>
        store
          .partitions(topic)
          .reduce(
            (lag, records, p) => lag + records.length - (store.committedOffset(groupId, topic, p) ?? 0),
            0,
          ),
      ),
    topicExists: (topic) => Promise.resolve(store.has(topic)),
    listGroups: () => Promise.resolve(store.groupIds()),
    deleteGroup: (groupId) => Promise.resolve(store.deleteGroup(groupId)),
    close: () => Promise.resolve(),
  };
}

/**
 * An in-memory {@link MemoryBus} for unit tests of other components: same contract as the Kafka bus
 * (per-key ordering, commit after the handler resolved, redelivery of a failing batch, group offsets).
 */
export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  const store = new MemoryLog(options.partitions ?? 3);
  return {
    publisher: createMemoryPublisher(store),
    createPublisher: () => createMemoryPublisher(store),
    subscriber: (subscriberOptions) =>
      createMemorySubscriber(
        store,
        subscriberOptions,
        options.maxBatch ?? 100,
        options.log?.child({ component: 'memory-subscriber' }),
      ),
    records: (topic) => store.partitions(topic).flat(),
    admin: createMemoryAdmin(store),
  };
}
