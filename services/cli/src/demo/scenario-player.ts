import type { Logger } from '@kube-herald/logging';
import type { KubeObject } from '@kube-herald/kube-standin';
import type { Scenario, ScenarioStep } from './scenario-schema.js';
import {
  createWorlds,
  resolveTarget,
  writeEvent,
  type ClusterWorld,
  type ScenarioControls,
} from './scenario-world.js';
import { nodeNotReady, normalCycle, stormTick } from './scenario-steps.js';

/** Options of {@link createScenarioPlayer}. */
export interface ScenarioPlayerOptions {
  readonly scenario: Scenario;
  /** The simulated clusters by id (every id the scenario declares). */
  readonly clusters: ReadonlyMap<string, ScenarioControls>;
  readonly log: Logger;
  /** Time scale: 2 plays twice as fast (tests). Default 1. */
  readonly speed?: number;
}

/** Counters of what the player wrote. */
export interface ScenarioPlayerStats {
  readonly stepsStarted: number;
  readonly eventsCreated: number;
  readonly eventsBumped: number;
  readonly warnings: number;
  readonly errors: number;
}

/** Plays a scenario into simulated clusters: objects first, then the steps on their timeline. */
export interface ScenarioPlayer {
  /** Creates the objects and schedules the steps. */
  start(): void;
  /** Resolves when the scenario is over (every step and repeat has run) or closed. */
  readonly done: Promise<void>;
  stats(): ScenarioPlayerStats;
  /** Stops every timer. Idempotent. */
  close(): Promise<void>;
}

/** The scenario's end in ms from start: `duration`, else the last step's start plus 5 minutes. */
export function scenarioEnd(s: Scenario): number {
  return s.duration ?? Math.max(...s.steps.map((st) => st.at)) + 300_000;
}

/** Creates a {@link ScenarioPlayer}. */
export function createScenarioPlayer(o: ScenarioPlayerOptions): ScenarioPlayer {
  const log = o.log.child({ component: 'scenario', scenario: o.scenario.name });
  const speed = o.speed ?? 1;
  const timers = new Set<NodeJS.Timeout>();
  const counts = { stepsStarted: 0, eventsCreated: 0, eventsBumped: 0, warnings: 0, errors: 0 };
  let worlds = new Map<string, ClusterWorld>();
  let startedAt = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let closing: Promise<void> | undefined;
  const endMs = scenarioEnd(o.scenario);

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      guard(fn);
    }, ms / speed);
    timers.add(t);
  };
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      counts.errors++;
      log.warn({ err }, 'scenario step failed');
    }
  };
  const elapsed = (): number => (Date.now() - startedAt) * speed;
  /** Runs `fn(i)` every `every` ms (scenario time) while it returns true, `times` is not reached and the scenario lasts. */
  const repeat = (every: number, times: number | undefined, fn: (i: number) => boolean | void): void => {
    let i = 0;
    const tick = (): void => {
      i++;
      if ((times !== undefined && i > times) || elapsed() + every > endMs) return;
      if (fn(i) === false) return;
      later(every, tick);
    };
    later(every, tick);
  };
  const sink = {
    created(ev: KubeObject): void {
      counts.eventsCreated++;
      if (ev.type === 'Warning') counts.warnings++;
    },
    bumped(ev: KubeObject): void {
      counts.eventsBumped++;
      if (ev.type === 'Warning') counts.warnings++;
    },
  };

  function play(step: ScenarioStep): void {
    const world = worlds.get(step.cluster);
    if (!world) return;
    counts.stepsStarted++;
    log.info({ cluster: step.cluster, title: step.title }, 'scenario step');
    if ('event' in step) {
      for (const obj of resolveTarget(world, step.target)) {
        const ev = writeEvent(world, obj, step.event);
        sink.created(ev);
        const uid = ev.metadata.uid ?? '';
        if (step.repeat)
          repeat(step.repeat.every, step.repeat.times, () => sink.bumped(world.controls.bumpEvent({ uid })));
      }
    } else if ('nodeNotReady' in step) {
      nodeNotReady(world, step.nodeNotReady, sink);
    } else if ('storm' in step) {
      const storm = step.storm;
      const tickMs = 250;
      const ticks = Math.max(1, Math.floor(storm.over / tickMs));
      const state = stormTick(world, storm, sink);
      state.tick(0, ticks);
      repeat(tickMs, ticks - 1, (i) => void state.tick(i, ticks));
    } else {
      const b = step.background;
      const cycle = normalCycle(world, b.namespace, b.deployment, sink);
      cycle();
      repeat(b.every, b.times, () => void cycle());
    }
  }

  async function doClose(): Promise<void> {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    finish();
    await Promise.resolve();
  }

  return {
    start() {
      startedAt = Date.now();
      worlds = createWorlds(o.scenario, o.clusters);
      log.info({ clusters: [...worlds.keys()], steps: o.scenario.steps.length }, 'scenario objects created');
      for (const step of o.scenario.steps) later(step.at, () => play(step));
      later(endMs, () => {
        log.info(counts, 'scenario over');
        void (closing ??= doClose());
      });
    },
    done,
    stats: () => ({ ...counts }),
    close() {
      return (closing ??= doClose());
    },
  };
}
