/** The services the demo runs as child processes. */
export type DemoService = 'collector' | 'notifier';

const NODE_FLAGS = ['--conditions=source', '--import', 'tsx'] as const;

/**
 * The node arguments (relative to the repo root) that run a real service with its config file:
 * `kube-herald <service> --config f` (services/cli/src/entry.ts) when the CLI has the command
 * (`viaCli`); until then the collector's own main.ts, and for the notifier the demo's small entry
 * calling `runNotifier`.
 */
export function serviceArgs(service: DemoService, configFile: string, viaCli: boolean): string[] {
  const tail = ['--config', configFile];
  if (viaCli) return [...NODE_FLAGS, 'services/cli/src/entry.ts', service, ...tail];
  if (service === 'collector') return [...NODE_FLAGS, 'services/collector/src/main.ts', ...tail];
  return [...NODE_FLAGS, 'services/cli/src/demo/service-entry.ts', service, ...tail];
}
