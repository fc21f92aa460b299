import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logLevel } from 'kafkajs';
import { createLogger } from '@kube-herald/logging';
import { headersToStrings, kafkaLogCreator } from '../src/kafka-client.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    name: 't',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const emit = kafkaLogCreator(log)(logLevel.INFO);
  const entry = (namespace: string, level: logLevel, message: string, extra: object = {}) =>
    emit({ namespace, level, label: 'X', log: { timestamp: 'now', message, ...extra } });
  return { lines, entry };
}

describe('kafkajs log lines in pino', () => {
  it('keeps errors as errors with their fields, without kafkajs timestamp', () => {
    const { lines, entry } = capture();
    entry('Consumer', logLevel.ERROR, 'Crash: KafkaJSError: boom', { groupId: 'g', retryCount: undefined });
    entry('Consumer', logLevel.INFO, 'Starting', { groupId: 'g' });
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!.level, 50);
    assert.equal(lines[0]!.msg, 'Crash: KafkaJSError: boom');
    assert.equal(lines[0]!.component, 'kafkajs');
    assert.equal(lines[0]!.namespace, 'Consumer');
    assert.equal(lines[0]!.groupId, 'g');
    assert.equal(lines[0]!.timestamp, undefined);
    assert.equal(lines[1]!.level, 30);
  });

  it('downgrades responses and retries that kafkajs handles itself', () => {
    const { lines, entry } = capture();
    entry('Connection', logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', { error: 'rebalancing' });
    entry('Producer', logLevel.ERROR, 'Failed to send messages: Connection error', { retryCount: 1 });
    entry('Connection', logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:1');
    entry('Runner', logLevel.ERROR, 'The coordinator is not aware of this member, re-joining the group');
    entry('Consumer', logLevel.ERROR, 'Restarting the consumer in 300ms', { retryTime: 300 });
    entry(
      'Producer',
      logLevel.WARN,
      'Limiting retries for the idempotent producer may invalidate EoS guarantees',
    );
    assert.deepEqual(
      lines.map((l) => l.level),
      [40, 40, 40, 40],
    );
  });
});

describe('headersToStrings', () => {
  it('decodes Buffers as UTF-8, keeps the last of repeated headers, drops undefined', () => {
    assert.deepEqual(
      headersToStrings({
        a: Buffer.from('grüße'),
        b: 'plain',
        c: [Buffer.from('first'), 'last'],
        d: undefined,
      }),
      { a: 'grüße', b: 'plain', c: 'last' },
    );
    assert.deepEqual(headersToStrings(undefined), {});
  });
});
