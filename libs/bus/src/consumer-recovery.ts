import type { Consumer } from 'kafkajs';
import type { Logger } from '@kube-herald/logging';
import { backoffDelay } from '@kube-herald/errors';

/** What {@link watchConsumer} needs from the subscriber that owns the consumer. */
export interface ConsumerRecoveryOptions {
  readonly consumer: Consumer;
  readonly log: Logger;
  /** connect + subscribe + run; resolves once the member joined (or kafkajs reported a crash). */
  readonly run: () => Promise<void>;
  readonly isClosed: () => boolean;
  /** Sleeps, cut short by close(). */
  readonly pause: (ms: number) => Promise<void>;
  readonly onCrash?: (err: Error, restart: boolean) => void;
}

/** What {@link watchConsumer} returns. */
export interface ConsumerRecovery {
  /**
   * Rejoins now, as after a crash: for a failure kafkajs itself would only retry until its retries ran
   * out (a commit or heartbeat to a group coordinator that is gone). Safe to call from inside a batch
   * handler: the recovery starts on a later tick, after a back-off.
   */
  rejoin(reason: Error): void;
}

/**
 * Keeps a kafkajs consumer in its group (internal). kafkajs' own restart gives up on errors it deems
 * fatal (e.g. UNKNOWN_MEMBER_ID after a coordinator moved) and can race with disconnect(), so every
 * crash is handled here instead — `restartOnFailure` must return false — by one recovery loop: back off,
 * disconnect, run again, until a run is not followed by another crash. After close(), a consumer that
 * joined or crashed anyway is stopped again, so no timer keeps the process alive.
 */
export function watchConsumer(options: ConsumerRecoveryOptions): ConsumerRecovery {
  const { consumer, log } = options;
  let crashes = 0;
  let recovering: Promise<void> | undefined;

  const stopAfterClose = (): void => {
    if (!options.isClosed()) return;
    consumer.disconnect().catch((err: unknown) => {
      log.warn({ err }, 'stopping a consumer that joined after close failed');
    });
  };

  async function recover(): Promise<void> {
    for (let attempt = 0; !options.isClosed(); attempt += 1) {
      const seen = crashes;
      await options.pause(backoffDelay(attempt, 1_000, 30_000));
      if (options.isClosed()) return;
      try {
        await consumer.disconnect();
        await options.run();
      } catch (err) {
        log.error({ err, attempt }, 'subscriber could not rejoin the group; retrying');
        continue;
      }
      // run() also resolves when kafkajs reported the join as a crash: success is a run with no new crash.
      if (crashes === seen) {
        log.warn({ attempt }, 'subscriber rejoined the group after a crash');
        return;
      }
    }
  }

  function startRecovery(): void {
    recovering ??= recover()
      .catch((err: unknown) => log.error({ err }, 'subscriber recovery stopped'))
      .finally(() => {
        recovering = undefined;
      });
  }

  consumer.on(consumer.events.GROUP_JOIN, stopAfterClose);
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (options.isClosed()) return void setImmediate(stopAfterClose);
    crashes += 1;
    log.warn({ err: payload.error }, 'Kafka consumer crashed; rejoining');
    options.onCrash?.(payload.error, true);
    startRecovery();
  });

  return {
    rejoin(reason) {
      if (options.isClosed()) return;
      crashes += 1;
      if (recovering) return;
      log.warn({ err: reason }, 'lost the group coordinator; rejoining');
      startRecovery();
    },
  };
}
