import type { BusMessage, BusRecord, PoisonPolicy, Publisher } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import type { NotifierMetrics } from './metrics.js';

/** The publisher's default `maxMessageBytes` (key + value + headers). */
export const DLQ_MAX_BYTES = 1_000_000;
const MAX_DETAIL = 1000;
/** Room kept for the headers a truncation adds, and for the record framing. */
const MARGIN = 512;

const byteLength = (s: string | null): number => (s === null ? 0 : Buffer.byteLength(s));

/** Cuts `value` to at most `max` bytes (a Buffer: a byte prefix; the DLQ keeps the original's bytes). */
function cut(value: Buffer | string, max: number): Buffer {
  const buf = typeof value === 'string' ? Buffer.from(value) : value;
  return buf.subarray(0, Math.max(0, max));
}

/**
 * The DLQ copy of `rec` with the reason headers, its value truncated so that the whole message fits
 * `maxBytes` (`x-kh-dlq-original-bytes` then gives the original value's size): a DLQ copy the publisher
 * would refuse would stall the partition.
 */
export function dlqMessage(
  rec: BusRecord,
  reason: string,
  detail: string,
  extra: Readonly<Record<string, string>> = {},
  maxBytes = DLQ_MAX_BYTES,
): BusMessage {
  const headers: Record<string, string> = {
    'x-kh-dlq-reason': reason,
    'x-kh-dlq-detail': detail.slice(0, MAX_DETAIL),
    'x-kh-dlq-topic': rec.topic,
    'x-kh-dlq-partition': String(rec.partition),
    'x-kh-dlq-offset': rec.offset,
    ...extra,
  };
  let key = rec.key;
  if (byteLength(key) > maxBytes / 4) key = cut(key ?? '', maxBytes / 4).toString('utf8');
  let headerBytes = 0;
  for (const name in headers) {
    const v = headers[name] ?? '';
    // a producer's huge header must not push the copy past the limit either
    if (byteLength(v) > MAX_DETAIL) headers[name] = cut(v, MAX_DETAIL).toString('utf8');
    headerBytes += byteLength(name) + byteLength(headers[name] ?? '');
  }
  const value = rec.value ?? Buffer.alloc(0);
  const room = maxBytes - byteLength(key) - headerBytes - MARGIN;
  if (value.length <= room) return { key, value, headers };
  headers['x-kh-dlq-original-bytes'] = String(value.length);
  headers['x-kh-dlq-truncated'] = 'true';
  return { key, value: cut(value, room), headers };
}

// Redis error replies that say the server cannot take writes now, not that the script's input is bad.
const TRANSIENT_REPLY =
  /^(?:[A-Z]+ )?(?:LOADING|READONLY|NOREPLICAS|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|MISCONF|OOM|NOSCRIPT|NOAUTH|WRONGPASS)|\b(?:OOM command not allowed|READONLY You can't write|MISCONF)/;

/**
 * True when a failure of the ingest handler can come from the records it was given: an error reply of a
 * script (e.g. invalid JSON inside Redis) or a programming error on the data. Connection losses, Redis
 * not taking writes (READONLY, OOM, LOADING, …) and Kafka failures are outages: retried, never DLQ'd.
 */
export function isRecordError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ReplyError') return !TRANSIENT_REPLY.test(err.message);
  return err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError;
}

/** Dependencies of {@link createPoisonPolicy}. */
export interface PoisonDeps {
  readonly publisher: Pick<Publisher, 'publish'>;
  readonly dlqTopic: string;
  readonly metrics: NotifierMetrics;
  readonly log: Logger;
  readonly maxAttempts?: number;
  readonly maxBytes?: number;
}

/** The subscriber's poison policy: a record that keeps failing goes to the DLQ (reason `processing_failed`). */
export function createPoisonPolicy(deps: PoisonDeps): PoisonPolicy {
  return {
    maxAttempts: deps.maxAttempts ?? 3,
    isRecordError,
    async onPoison(record, err, attempts) {
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const extra = { 'x-kh-dlq-attempts': String(attempts) };
      await deps.publisher.publish(deps.dlqTopic, [
        dlqMessage(record, 'processing_failed', detail, extra, deps.maxBytes),
      ]);
      deps.metrics.dlq.inc({ reason: 'processing_failed' });
      deps.log.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, attempts, err },
        'record kept failing; sent to the DLQ',
      );
    },
  };
}
