import { runNotifier } from '@kube-herald/notifier';

// Process entry of a notifier for bench and fault runs: `notifier-entry.ts --config <file>`.
// Only entry files read process.env.
process.exitCode = await runNotifier(process.argv.slice(2), process.env);
