import type { Logger } from '@kube-herald/logging';
import { createLoad } from '../load.js';
import { withBenchWorld } from './bench-world.js';
import { round } from './machine.js';

/** The storm: Warning events over 1,000 objects in 3 clusters, routed to 10 robots. */
export interface StormRun {
  readonly events: number;
  readonly seconds: number;
  readonly created: number;
  readonly accounted: number;
  /** accounted / created, in percent. */
  readonly accountedPct: number;
  readonly lost: number;
  readonly messages: number;
  readonly maxPerMinutePerRobot: number;
  readonly throttleAnswers: number;
  readonly timeToFirstMessageS: number;
  /** From the end of the storm until every event was accounted. */
  readonly drainS: number;
  readonly duplicateMessages: number;
}

/** Runs the storm with the default grouping (groupWait 10s, groupInterval 1m). */
export async function stormRun(
  dir: string,
  plumbing: { brokers: readonly string[]; redisUrl: string },
  events: number,
  seconds: number,
  log: Logger,
): Promise<StormRun> {
  return withBenchWorld(
    dir,
    `storm-${events}`,
    {
      log,
      ...plumbing,
      progress: (t) =>
        process.stderr.write(
          `[bench] storm draining: created ${t.created}, in Kafka ${t.distinctInKafka}, accounted ${t.accounted}, messages ${t.messages}\n`,
        ),
      clusters: 3,
      route: { groupWait: '10s', groupInterval: '1m', repeatInterval: '1m' },
    },
    async (world) => {
      const load = createLoad({ kubes: world.kubes, objects: 334, namespaces: 10, bumpShare: 0.3 });
      const t0 = Date.now();
      await load.run(events, events / seconds);
      const tEnd = Date.now();
      const tally = await world.drain(600_000);
      const first = world.dingtalk.messages()[0]?.time ?? Number.NaN;
      return {
        events,
        seconds,
        created: tally.created,
        accounted: tally.accounted,
        accountedPct: round((tally.accounted / tally.created) * 100, 2),
        lost: tally.lost,
        messages: tally.messages,
        maxPerMinutePerRobot: tally.maxPerMinute,
        throttleAnswers: tally.throttleAnswers,
        timeToFirstMessageS: round((first - t0) / 1000, 1),
        drainS: round((Date.now() - tEnd) / 1000, 1),
        duplicateMessages: tally.duplicateMessages,
      };
    },
  );
}
