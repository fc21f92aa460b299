import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A name no other test run uses (topics, consumer groups, queues): `<prefix>-<time36>-<pid>-<n>-<random>`.
 * Only `[a-z0-9._-]` characters, valid for Kafka topics and BullMQ queue names.
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  const safe = prefix.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  return `${safe}-${Date.now().toString(36)}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}
