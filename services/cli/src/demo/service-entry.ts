import { runNotifier } from '@kube-herald/notifier';

// Process entry of a demo notifier while the `kube-herald` command lacks the `notifier` sub-command:
// `service-entry.ts notifier --config <file>`. Only entry files read process.env.
const [service, ...rest] = process.argv.slice(2);
if (service === 'notifier') {
  process.exitCode = await runNotifier(rest, process.env);
} else {
  process.stderr.write('usage: service-entry.ts notifier --config <file>\n');
  process.exitCode = 2;
}
