import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWorld, type World, type WorldOptions } from '../world.js';

/** What a whole-pipeline benchmark chooses; the rest is fixed by {@link withBenchWorld}. */
export type BenchWorldOptions = Omit<
  WorldOptions,
  'dir' | 'compiled' | 'robots' | 'collectorReplicas' | 'notifierReplicas'
>;

/**
 * Runs `measure` on a started world in a fresh folder `<dir>/<name>-<time>` (services compiled as in the
 * image, one collector and one notifier per cluster, 10 robots) and closes the world afterwards.
 */
export async function withBenchWorld<T>(
  dir: string,
  name: string,
  o: BenchWorldOptions,
  measure: (world: World) => Promise<T>,
): Promise<T> {
  const runDir = join(dir, `${name}-${Date.now()}`);
  mkdirSync(runDir, { recursive: true });
  const world = createWorld({
    dir: runDir,
    compiled: true,
    robots: 10,
    collectorReplicas: 1,
    notifierReplicas: 1,
    ...o,
  });
  try {
    await world.start();
    return await measure(world);
  } finally {
    await world.close();
  }
}
