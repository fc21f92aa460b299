/** The services the demo runs as child processes. */
export type DemoService = 'collector' | 'notifier';

/**
 * The node arguments (relative to the repo root) that run a real service with its config file, exactly as
 * a user would: `kube-herald <service> --config <file>` from the sources (what `npm start` runs too).
 */
export function serviceArgs(service: DemoService, configFile: string): string[] {
  return [
    '--conditions=source',
    '--import',
    'tsx',
    'services/cli/src/entry.ts',
    service,
    '--config',
    configFile,
  ];
}
