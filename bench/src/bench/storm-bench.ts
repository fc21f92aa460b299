import type { Logger } from '@kube-herald/logging';
import { createLoad } from '../load.js';
import { withBenchWorld } from './bench-world.js';
import { round } from './machine.js';
import { accountMessages } from '../message-accounting.js';
import { namespaceName } from '../world-config.js';
import type { World } from '../world.js';

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
  /** Occurrences the robots' messages account (read from their text, not from the notifier's log). */
  readonly messageAccounted: number;
  /** Share of events (percent) shown by a message within groupInterval + the gate's wait (60 s). */
  readonly inTimePct: number;
}

/**
 * Waits until every event of a storm (`t0` to `tEnd`) is accounted, then reads the accounting twice: from
 * the ledger, and from the robots' messages (in time: within `inTimeMs` of the operation).
 */
async function drainAndAccount(
  world: World,
  s: {
    events: number;
    seconds: number;
    t0: number;
    tEnd: number;
    opTimes: readonly number[];
    inTimeMs: number;
  },
): Promise<StormRun> {
  const tally = await world.drain(600_000);
  const messages = world.dingtalk.messages();
  const fromText = accountMessages(messages, s.opTimes, s.inTimeMs);
  return {
    events: s.events,
    seconds: s.seconds,
    created: tally.created,
    accounted: tally.accounted,
    accountedPct: round((tally.accounted / tally.created) * 100, 2),
    lost: tally.lost,
    messages: tally.messages,
    maxPerMinutePerRobot: tally.maxPerMinute,
    throttleAnswers: tally.throttleAnswers,
    timeToFirstMessageS: round(((messages[0]?.time ?? Number.NaN) - s.t0) / 1000, 1),
    drainS: round((Date.now() - s.tEnd) / 1000, 1),
    duplicateMessages: tally.duplicateMessages,
    messageAccounted: fromText.accounted,
    inTimePct: round(fromText.inTimeShare * 100, 2),
  };
}

/**
 * Runs the storm with the documented default timing (groupWait 10s, groupInterval 1m, repeatInterval 4h;
 * groupBy cluster, namespace, reason as the bench world routes). Accounting is read twice: from the
 * notifier's decision log (the ledger, which also finds lost events) and from the text of the messages
 * the robot stand-in received (`messageAccounted`, `inTimePct`).
 */
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
      route: { groupWait: '10s', groupInterval: '1m', repeatInterval: '4h' },
    },
    async (world) => {
      const load = createLoad({ kubes: world.kubes, objects: 334, namespaces: 10, bumpShare: 0.3 });
      const t0 = Date.now();
      await load.run(events, events / seconds);
      const tEnd = Date.now();
      return drainAndAccount(world, {
        events,
        seconds,
        t0,
        tEnd,
        opTimes: load.opTimes(),
        inTimeMs: 60_000 + 60_000,
      });
    },
  );
}

/**
 * The storm of issue 13: `pods` Pods in 24 namespaces, each Pod's event climbing count 1 → `counts` within
 * `seconds` (3,000 events by default), one cluster, documented default timing. Accounted from the text of
 * the messages the robots received; in time = within groupInterval (1 m) + the gate's wait (1 m).
 */
export async function climbingStormRun(
  dir: string,
  plumbing: { brokers: readonly string[]; redisUrl: string },
  opts: { pods: number; counts: number; seconds: number },
  log: Logger,
): Promise<StormRun> {
  return withBenchWorld(
    dir,
    `climbing-${opts.pods}`,
    {
      log,
      ...plumbing,
      clusters: 1,
      route: { groupWait: '10s', groupInterval: '1m', repeatInterval: '4h' },
    },
    async (world) => {
      const kube = [...world.kubes.values()][0]!;
      const times: number[] = [];
      const uids: string[] = [];
      const t0 = Date.now();
      for (let c = 1; c <= opts.counts; c++) {
        for (let p = 0; p < opts.pods; p++) {
          if (c === 1) {
            const ev = kube.createEvent({
              involvedObject: { kind: 'Pod', name: `pod-${p}`, namespace: namespaceName(p % 24) },
              reason: 'BackOff',
              type: 'Warning',
              message: `Back-off restarting failed container app in pod pod-${p}`,
              source: { component: 'kubelet', host: `node-${p % 7}` },
            });
            uids.push(ev.metadata.uid ?? '');
          } else kube.bumpEvent(uids[p]!);
          times.push(Date.now());
        }
        await new Promise((r) => setTimeout(r, (opts.seconds * 1000) / opts.counts));
      }
      const tEnd = Date.now();
      const storm = { events: times.length, seconds: opts.seconds, t0, tEnd, opTimes: times };
      return drainAndAccount(world, { ...storm, inTimeMs: 120_000 });
    },
  );
}
