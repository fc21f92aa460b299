import { encodePositions } from './checkpoint.js';
import type { SourcePosition } from './event-source.js';

/**
 * Source positions against the ordered records of a publish queue: a position reached after the first N
 * records becomes safe (part of the checkpoint) once Kafka acknowledged those N.
 */
export interface PositionMarks {
  /** One more record pushed. */
  pushed(): void;
  /** `n` more records acknowledged, oldest first: the positions they complete become safe. */
  acked(n: number): void;
  /** Records a position reached after every record pushed so far. */
  mark(position: SourcePosition): void;
  /** Forgets the positions waiting: the records pushed so far were dropped, no prefix of anything. */
  discard(): void;
  /** Whether any position is safe yet. */
  hasSafe(): boolean;
  /** Per scope, the last safe position (a copy). */
  safe(): Readonly<Record<string, string>>;
  /** `base` plus the header carrying the safe positions: one object, made again only when they change. */
  headersFor(base: Readonly<Record<string, string>>): Readonly<Record<string, string>>;
}

/** Creates {@link PositionMarks} whose safe positions travel in the record header `header`. */
export function createPositionMarks(header: string): PositionMarks {
  // Positions: record counts since start (pushed, acknowledged) and the marks waiting for their prefix.
  let pushedTotal = 0;
  let ackedTotal = 0;
  const marks: Array<{ readonly at: number; readonly position: SourcePosition }> = [];
  let markHead = 0;
  const safe: Record<string, string> = {};
  let stampHeaders: Readonly<Record<string, string>> | undefined; // cached until `safe` changes
  const settle = (): void => {
    while (markHead < marks.length && (marks[markHead] as (typeof marks)[number]).at <= ackedTotal) {
      const { position } = marks[markHead++] as (typeof marks)[number];
      safe[position.scope] = position.rv;
      stampHeaders = undefined;
    }
    if (markHead > 1024 && markHead * 2 > marks.length) {
      marks.splice(0, markHead);
      markHead = 0;
    }
  };
  return {
    pushed: () => void pushedTotal++,
    acked(n) {
      ackedTotal += n;
      if (markHead < marks.length) settle();
    },
    mark(position) {
      const last = marks[marks.length - 1];
      if (markHead < marks.length && last?.at === pushedTotal && last.position.scope === position.scope) {
        marks[marks.length - 1] = { at: pushedTotal, position }; // a later position of the same prefix
      } else marks.push({ at: pushedTotal, position });
      if (pushedTotal === ackedTotal) settle();
    },
    discard() {
      pushedTotal = ackedTotal;
      marks.length = 0;
      markHead = 0;
    },
    hasSafe: () => Object.keys(safe).length > 0,
    safe: () => ({ ...safe }),
    headersFor(base) {
      if (stampHeaders === undefined || stampHeaders.schema !== base.schema) {
        stampHeaders = { ...base, [header]: encodePositions(safe) };
      }
      return stampHeaders;
    },
  };
}
