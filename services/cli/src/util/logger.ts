import { createLogger, type Logger } from '@kube-herald/logging';
import type { CliIo } from '../io.js';

/** The pino logger of a tool command: JSON lines on stderr (stdout is for the command's output). */
export function cliLogger(io: CliIo, level: string, name = 'kube-herald'): Logger {
  return createLogger({ name, level, destination: { write: (s: string) => void io.stderr.write(s) } });
}
