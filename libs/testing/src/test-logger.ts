import { createLogger, type Logger } from '@kube-herald/logging';

/**
 * A logger for tests: the project's pino logger writing to stderr, level from `KH_TEST_LOG_LEVEL`
 * (default `warn`, so passing tests stay quiet and failures still show what went wrong).
 */
export function testLogger(name: string): Logger {
  const level = process.env.KH_TEST_LOG_LEVEL?.trim() || 'warn';
  return createLogger({ name, level, destination: process.stderr });
}
