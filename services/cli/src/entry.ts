import { runCli } from './main.js';

// The process entry: the only place of the CLI that reads process.env and sets the exit code.
process.exitCode = await runCli(process.argv.slice(2), process.env);
