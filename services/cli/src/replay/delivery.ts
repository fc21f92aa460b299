import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '@kube-herald/logging';
import { createRegistry, type Counter } from '@kube-herald/observability';
import {
  createNotifier,
  createReceivers,
  notifierPrefixes,
  replayPrefixes,
  type NotifierConfig,
} from '@kube-herald/notifier';

/** What the replay's delivery achieved. */
export interface DeliveryCounts {
  readonly sent: number;
  readonly notified: number;
  readonly failed: number;
  readonly pending: number;
}

/** The notifier's own scheduler and delivery worker, run by a replay to deliver what it grouped. */
export interface ReplayDelivery {
  /** Waits until `placements` occurrences are delivered, or the queue is idle, or `deadlineMs` passed. */
  waitFor(placements: number, groupMs: number, deadlineMs: number): Promise<DeliveryCounts>;
  stop(): void;
  close(): Promise<void>;
}

async function total(counter: Counter<string>): Promise<number> {
  return (await counter.get()).values.reduce((n, v) => n + v.value, 0);
}

/**
 * Forgets the replay's groups (a replay's groups live only while it runs: no reminder or resolved notice
 * of a past replay may come out of the next one). Window counters, takes and parked takes stay.
 */
async function clearReplayGroups(redis: Redis, keys: string): Promise<void> {
  for (const pattern of [`${keys}:g:*`, `${keys}:gi:*`, `${keys}:ready:*`]) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== '0');
  }
  await redis.del(`${keys}:due`);
}

/**
 * Starts the notifier's delivery side (the same scheduler, receivers and BullMQ worker code as the live
 * fleet) without a Kafka subscriber: the replay feeds the decision engine itself. It runs on a queue and
 * groups of its own (`replayPrefixes`): it never takes a live job, and a failing replay (a laptop outside
 * the robot's IP allowlist) parks only its own deliveries. The robots' rate gates are the live ones.
 */
export async function startDelivery(
  config: NotifierConfig,
  redis: Redis,
  log: Logger,
): Promise<ReplayDelivery> {
  const idle = { start: () => Promise.resolve(), close: () => Promise.resolve() };
  const publisher = { publish: () => Promise.resolve() };
  const receivers = createReceivers(config);
  const prefixes = replayPrefixes(config);
  await clearReplayGroups(redis, prefixes.keys);
  const notifier = createNotifier({
    config,
    log,
    redis,
    subscriber: idle,
    publisher,
    receivers,
    registry: createRegistry('kube-herald-replay', false),
    options: {
      schedulerPollMs: 100,
      closeDeadlineMs: 5000,
      prefixes,
      markPrefix: notifierPrefixes(config).keys,
      gatePrefix: notifierPrefixes(config).keys,
    },
  });
  await notifier.start();
  const abort = new AbortController();
  let closing: Promise<void> | undefined;
  const counts = async (): Promise<Omit<DeliveryCounts, 'pending'>> => ({
    sent: await total(notifier.metrics.messagesSent),
    notified: await total(notifier.metrics.eventsNotified),
    failed: await total(notifier.metrics.failed),
  });
  const busy = async (): Promise<number> => {
    const c = await notifier.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(c).reduce((n, v) => n + v, 0);
  };
  return {
    async waitFor(placements, groupMs, deadlineMs) {
      const started = Date.now();
      let idleSince: number | undefined;
      for (;;) {
        const c = await counts();
        const elapsed = Date.now() - started;
        if (c.notified >= placements) return { ...c, pending: 0 };
        const pending = placements - c.notified;
        if (abort.signal.aborted || elapsed >= deadlineMs) return { ...c, pending };
        // every group had its flush window and no job is left: what is missing failed or was merged away
        if (elapsed > groupMs + 1000 && (await busy()) === 0) {
          idleSince ??= Date.now();
          if (Date.now() - idleSince > 1000) return { ...c, pending: c.failed > 0 ? 0 : pending };
        } else idleSince = undefined;
        await sleep(200, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    },
    stop: () => abort.abort(),
    close: () =>
      (closing ??= (async () => {
        await notifier.close();
        await clearReplayGroups(redis, prefixes.keys);
        await Promise.all([...receivers.values()].map((r) => (r.close ? r.close() : Promise.resolve())));
      })()),
  };
}
