import type { Logger } from '@kube-herald/logging';

/** Header of every published record: the source positions Kafka had acknowledged everything before. */
export const CHECKPOINT_HEADER = 'kh-checkpoint';

/**
 * Where a new leader (or a restarted collector) resumes: per scope (`*` or a namespace) a resourceVersion
 * whose earlier events are all in Kafka, and the occurrenceIds published lately (what a watch resumed from
 * that resourceVersion, or a re-list after 410, delivers again and must not publish twice).
 */
export interface Checkpoint {
  readonly positions: Readonly<Record<string, string>>;
  readonly occurrenceIds: readonly string[];
  /** When the positions were written (ms since the epoch), to pick the newer of two checkpoints. */
  readonly at?: number;
}

/** `<ms>|<positions>`: the checkpoint as the Lease annotation carries it. */
export function encodeStamped(at: number, positions: Readonly<Record<string, string>>): string {
  return `${at}|${encodePositions(positions)}`;
}

/** The inverse of {@link encodeStamped}; undefined for a missing or malformed value. */
export function decodeStamped(
  value: string | undefined,
): { at: number; positions: Record<string, string> } | undefined {
  const bar = value?.indexOf('|') ?? -1;
  if (!value || bar <= 0) return undefined;
  const at = Number(value.slice(0, bar));
  const positions = decodePositions(value.slice(bar + 1));
  return Number.isFinite(at) && positions ? { at, positions } : undefined;
}

/** Reads the checkpoint of the previous leader; resolves undefined when there is none to read. */
export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>;
}

/** `scope=rv;scope=rv` (both URI-encoded). */
export function encodePositions(positions: Readonly<Record<string, string>>): string {
  return Object.entries(positions)
    .map(([scope, rv]) => `${encodeURIComponent(scope)}=${encodeURIComponent(rv)}`)
    .join(';');
}

/** The inverse of {@link encodePositions}; undefined for a malformed value. */
export function decodePositions(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const out: Record<string, string> = {};
  try {
    for (const part of value.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0 || eq === part.length - 1) return undefined;
      out[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1));
    }
  } catch {
    return undefined;
  }
  return out;
}

/**
 * Loads a checkpoint within `timeoutMs`; any failure or a late answer gives undefined (the collector then
 * lists as before: at least once, only more duplicates). Never throws.
 */
export async function loadCheckpoint(
  store: CheckpointStore | undefined,
  timeoutMs: number,
  log: Logger,
): Promise<Checkpoint | undefined> {
  if (!store) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  try {
    const got = await Promise.race([store.load(), late]);
    if (got === 'late') {
      log.warn({ timeoutMs }, 'checkpoint not read in time: listing from scratch (duplicates possible)');
      return undefined;
    }
    log.info(
      { positions: got?.positions, occurrences: got?.occurrenceIds.length ?? 0 },
      got ? 'resuming from the checkpoint' : 'no checkpoint: listing from scratch',
    );
    return got;
  } catch (err) {
    log.warn({ err }, 'checkpoint unreadable: listing from scratch (duplicates possible)');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
