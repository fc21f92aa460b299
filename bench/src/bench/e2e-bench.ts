import type { Logger } from '@kube-herald/logging';
import { createLoad } from '../load.js';
import type { RouteSettings } from '../world-config.js';
import { withBenchWorld } from './bench-world.js';
import { quantile, round } from './machine.js';

/** Latency from event creation in the API stand-in to the DingTalk stand-in accepting its message. */
export interface LatencyRun {
  readonly label: string;
  readonly route: RouteSettings;
  readonly events: number;
  readonly measured: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Runs `events` Warning events at `perSecond`, each on its own Pod, through the whole pipeline. */
export async function latencyRun(
  dir: string,
  plumbing: { brokers: readonly string[]; redisUrl: string },
  label: string,
  route: RouteSettings,
  events: number,
  perSecond: number,
  log: Logger,
): Promise<LatencyRun> {
  return withBenchWorld(
    dir,
    `e2e-${label}`,
    { log, ...plumbing, clusters: 1, route, decisions: false },
    async (world) => {
      const load = createLoad({
        kubes: world.kubes,
        objects: 1_000_000,
        namespaces: 10,
        bumpShare: 0,
        uniqueNames: true,
      });
      await new Promise((r) => setTimeout(r, 2000));
      await load.run(events, perSecond);
      const seen = new Map<string, number>();
      const deadline = Date.now() + 300_000;
      while (seen.size < events && Date.now() < deadline) {
        for (const m of world.dingtalk.messages()) {
          for (const name of m.text.match(/pod-\d+-\d+/g) ?? []) if (!seen.has(name)) seen.set(name, m.time);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      const lat: number[] = [];
      for (const [name, at] of seen) {
        const created = load.createdAt(name);
        if (created !== undefined) lat.push(at - created);
      }
      return {
        label,
        route,
        events,
        measured: lat.length,
        p50Ms: round(quantile(lat, 0.5)),
        p95Ms: round(quantile(lat, 0.95)),
        p99Ms: round(quantile(lat, 0.99)),
        maxMs: round(Math.max(...lat)),
      };
    },
  );
}
