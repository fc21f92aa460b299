// Entry of the child process in run-notifier.test.ts: `kube-herald notifier` without the CLI around it.
import { runNotifier } from '../src/main.js';

process.exitCode = await runNotifier(process.argv.slice(2), process.env);
