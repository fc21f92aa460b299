import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { CliIo } from '../io.js';

/** Progress of a replay on stderr: bars per partition on a TTY, plain lines otherwise. */
export interface ReplayProgress {
  add(partition: number, count: number): void;
  /** Writes a plain line now (phase changes), between bars on a TTY. */
  note(text: string): void;
  stop(): void;
}

interface Part {
  readonly total: number;
  done: number;
  bar?: SingleBar;
}

function eta(remaining: number, rate: number): string {
  if (rate <= 0) return '?';
  const s = Math.round(remaining / rate);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/** Creates the progress display for partitions with the given record totals. */
export function createReplayProgress(
  io: CliIo,
  totals: ReadonlyMap<number, number>,
  intervalMs = 2000,
): ReplayProgress {
  const started = Date.now();
  const parts = new Map<number, Part>();
  for (const [p, total] of totals) parts.set(p, { total, done: 0 });
  const all = [...parts.values()].reduce((n, p) => n + p.total, 0);
  const stream = io.stderr as NodeJS.WriteStream;
  const multi = io.stderr.isTTY
    ? new MultiBar(
        {
          stream,
          format: ' partition {partition} [{bar}] {value}/{total} records | {rate}/s | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
        },
        Presets.shades_classic,
      )
    : undefined;
  if (multi) for (const [p, part] of parts) part.bar = multi.create(part.total, 0, { partition: p, rate: 0 });
  let last = 0;
  const line = (): string => {
    const done = [...parts.values()].reduce((n, p) => n + p.done, 0);
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    const per = [...parts].map(([p, x]) => `p${p} ${x.done}/${x.total}`).join(', ');
    return `replay: ${done}/${all} records read (${per}), ${Math.round(rate)}/s, ETA ${eta(all - done, rate)}\n`;
  };
  return {
    add(partition, count) {
      const part = parts.get(partition);
      if (!part) return;
      part.done += count;
      const rate = Math.round(part.done / Math.max(0.001, (Date.now() - started) / 1000));
      if (part.bar) part.bar.update(part.done, { partition, rate });
      else if (Date.now() - last >= intervalMs) {
        last = Date.now();
        io.stderr.write(line());
      }
    },
    note(text) {
      if (multi) multi.log(`${text}\n`);
      else io.stderr.write(`${text}\n`);
    },
    stop() {
      if (multi) multi.stop();
      else io.stderr.write(line());
    },
  };
}
