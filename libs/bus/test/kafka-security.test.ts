// The one Kafka transport-security policy of every component: TLS under SASL unless `ssl: false` is
// written, and that explicit choice is warned about; the schema is shared by collector and notifier.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { createLogger } from '@kube-herald/logging';
import { kafkaSecurityShape, resolveKafkaTls, SASL_WITHOUT_TLS_WARNING } from '../src/index.js';
import { createKafkaClient } from '../src/kafka-client.js';

function captureLog(): { log: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n'))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ name: 'kafka-security-test', level: 'info', destination }), lines };
}

describe('Kafka transport security (libs/bus)', () => {
  it('TLS exactly when SASL is used unless ssl is written; an explicit ssl wins', () => {
    assert.equal(resolveKafkaTls(undefined, false), false);
    assert.equal(resolveKafkaTls(undefined, true), true, 'SASL credentials never in clear by default');
    assert.equal(resolveKafkaTls(true, false), true);
    assert.equal(resolveKafkaTls(false, true), false, 'a plaintext SASL listener by explicit choice');
  });

  it('warns when SASL runs without TLS, and only then', () => {
    const { log, lines } = captureLog();
    resolveKafkaTls(undefined, true, log);
    resolveKafkaTls(false, false, log);
    assert.equal(lines.length, 0);
    resolveKafkaTls(false, true, log);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.level, 40);
    assert.equal(lines[0]?.msg, SASL_WITHOUT_TLS_WARNING);
    assert.equal(lines[0]?.code, 'kafka_sasl_without_tls');
  });

  it('the client connects with TLS under SASL when ssl is not written (no password in the warning)', () => {
    const { log, lines } = captureLog();
    const sasl = { mechanism: 'plain' as const, username: 'u', password: 'hunter2-secret' };
    createKafkaClient({ brokers: ['127.0.0.1:1'], clientId: 't', log, sasl });
    assert.equal(lines.length, 0);
    createKafkaClient({ brokers: ['127.0.0.1:1'], clientId: 't', log, sasl, ssl: false });
    assert.equal(lines.length, 1);
    assert.doesNotMatch(JSON.stringify(lines), /hunter2/);
  });

  it('one schema: a SASL section takes mechanism, username and password or passwordFile, nothing else', () => {
    const schema = z.strictObject(kafkaSecurityShape);
    const brokers = ['k:9092'];
    assert.ok(
      schema.safeParse({
        brokers,
        ssl: false,
        sasl: { mechanism: 'scram-sha-512', username: 'u', passwordFile: '/p' },
      }).success,
    );
    assert.ok(
      schema.safeParse({ brokers, sasl: { mechanism: 'plain', username: 'u', password: 'x' } }).success,
    );
    assert.ok(
      !schema.safeParse({ brokers, sasl: { mechanism: 'gssapi', username: 'u', password: 'x' } }).success,
    );
    assert.ok(
      !schema.safeParse({ brokers, sasl: { mechanism: 'plain', username: 'u', password: 'x', extra: 1 } })
        .success,
    );
    assert.ok(!schema.safeParse({ brokers, ssl: 'yes' }).success);
  });

  it('one schema: brokers are host:port, as a list or one comma-separated string', () => {
    const schema = z.strictObject(kafkaSecurityShape);
    const parsed = schema.safeParse({ brokers: ' a:9092, b:9093 ,' });
    assert.ok(parsed.success);
    assert.deepEqual(parsed.data.brokers, ['a:9092', 'b:9093']);
    assert.deepEqual(schema.parse({ brokers: ['a:1'] }).brokers, ['a:1']);
    assert.ok(!schema.safeParse({ brokers: ['kafka'] }).success, 'a broker without its port');
    assert.ok(!schema.safeParse({ brokers: '' }).success, 'no broker');
    assert.ok(!schema.safeParse({}).success, 'brokers are required');
  });
});
