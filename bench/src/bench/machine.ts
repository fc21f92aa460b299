import { cpus, loadavg, totalmem } from 'node:os';
import { availableParallelism } from 'node:os';

/** The machine a figure was measured on. */
export interface Machine {
  readonly nproc: number;
  readonly memoryGb: number;
  readonly cpuModel: string;
  readonly node: string;
  /** 1-minute load average when the measure started (how busy the machine was). */
  readonly load1: number;
}

/** Describes this machine now. */
export function machine(): Machine {
  return {
    nproc: availableParallelism(),
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    load1: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** Median of the values (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The `q` quantile (0..1) of the values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Rounds to `d` decimals. */
export const round = (v: number, d = 0): number => Math.round(v * 10 ** d) / 10 ** d;
