// A logger that writes into memory, for tests that read what was logged.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@kube-herald/logging';

/** What {@link captureLog} returns. */
export interface CapturedLog {
  readonly log: Logger;
  /** Everything logged so far (JSON lines). */
  text(): string;
  /** The lines logged so far, parsed. */
  lines(): Record<string, unknown>[];
}

/** A `notifier` logger at `level` whose lines are kept in memory. */
export function captureLog(level = 'info'): CapturedLog {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    log: createLogger({ name: 'notifier', level, destination: sink }),
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
