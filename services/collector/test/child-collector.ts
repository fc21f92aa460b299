import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSourceChild, type ServiceChild } from '@kube-herald/cluster-tests';

const ROOT = join(import.meta.dirname, '../../..');

/** A collector run by `main.ts` in a child process, as in production. */
export type ChildCollector = ServiceChild;

/** Writes `yaml` (lines) to a config file under .run/ and starts main.ts with it. */
export async function startChildCollector(name: string, yaml: readonly string[]): Promise<ChildCollector> {
  const file = join(ROOT, '.run', `collector-${name}-${process.pid}.yaml`);
  await writeFile(file, [...yaml, 'http: { host: 127.0.0.1, port: 0 }'].join('\n'));
  const child = startSourceChild({
    what: 'child collector',
    args: ['services/collector/src/main.ts', '--config', file],
    listenTimeoutMs: 60_000,
  });
  // the config file goes with the process
  const exited = child.exited.then(async (code) => {
    await rm(file, { force: true });
    return code;
  });
  return { ...child, exited };
}
