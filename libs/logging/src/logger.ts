import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { maskSecrets, REDACT_PATHS } from './redact.js';

export type { Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerConfig {
  readonly name: string;
  readonly level?: string;
  /** Fields on every line, e.g. `{ cluster: 'prod-hz' }`. */
  readonly base?: Readonly<Record<string, unknown>>;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
}

function maskDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (!(value instanceof Error) && !needsMasking(value, depth)) return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

/** True when some string inside `value` could carry a secret (so the object must be copied and masked). */
function needsMasking(value: object, depth: number): boolean {
  if (depth > 4) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    if (
      typeof v === 'string'
        ? v.includes('=') || v.includes('@')
        : v !== null && typeof v === 'object' && needsMasking(v as object, depth + 1)
    ) {
      return true;
    }
  }
  return false;
}

function maskError(err: unknown): unknown {
  const serialized = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  return maskDeep(serialized, 0);
}

/**
 * A pino JSON logger with the project's redaction: secret fields are removed and URLs carrying
 * `access_token`/`sign` are masked in messages, objects and errors before a line is written.
 */
export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    name: config.name,
    level: config.level ?? 'info',
    base: { ...config.base },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    serializers: { err: maskError, error: maskError },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => maskDeep(a, 0)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return config.destination ? pino(options, config.destination) : pino(options);
}
