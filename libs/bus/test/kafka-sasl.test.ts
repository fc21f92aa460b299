// The bus through a real SASL/PLAIN listener (the test broker's second listener, scripts/kafka/kafka.sh):
// the publisher's first request on a connection goes through kafkajs' authentication, later ones are
// framed by the publisher (direct-sender.ts) on the authenticated connection.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '@kube-herald/logging';
import { kafkaSaslBrokers, testLogger, uniqueName } from '@kube-herald/testing';
import { createKafkaAdmin, createKafkaPublisher } from '../src/index.js';
import { readAll } from './fixtures/from-beginning.js';

const log = testLogger('kafka-sasl');

describe('Kafka bus over SASL/PLAIN', () => {
  it('publishes and reads back through an authenticated listener, one send at a time and in a burst', async () => {
    const { brokers, username, password } = kafkaSaslBrokers();
    const sasl = { mechanism: 'plain' as const, username, password };
    const topic = uniqueName('sasl');
    const admin = createKafkaAdmin({ brokers, clientId: uniqueName('admin'), log, sasl, ssl: false });
    await admin.ensureTopics([{ topic, partitions: 3 }]);
    await admin.close();
    const publisher = createKafkaPublisher({ brokers, clientId: uniqueName('pub'), log, sasl, ssl: false });
    await publisher.start();
    try {
      for (let i = 0; i < 20; i++) await publisher.publish(topic, [{ key: `k${i % 4}`, value: `one-${i}` }]);
      await Promise.all(
        Array.from({ length: 180 }, (_, i) =>
          publisher.publish(topic, [{ key: `k${i % 7}`, value: `burst-${i}` }]),
        ),
      );
    } finally {
      await publisher.close();
    }
    const got = await readAll(topic, 200, { brokers, log, sasl, ssl: false });
    const values = new Set(got.map((r) => r.value?.toString()));
    assert.equal(got.length, 200, 'each record once');
    for (let i = 0; i < 20; i++) assert.ok(values.has(`one-${i}`), `one-${i}`);
    for (let i = 0; i < 180; i++) assert.ok(values.has(`burst-${i}`), `burst-${i}`);
  });

  it('a wrong password fails start with a clear error that does not carry the password', async () => {
    const { brokers, username } = kafkaSaslBrokers();
    const wrong = 'not-the-password-7f3a';
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString('utf8');
        done();
      },
    });
    const publisher = createKafkaPublisher({
      brokers,
      clientId: uniqueName('pub'),
      log: createLogger({ name: 'kafka-sasl', level: 'debug', destination: sink }),
      sasl: { mechanism: 'plain', username, password: wrong },
      ssl: false,
      retries: 0,
    });
    await assert.rejects(publisher.start(), (err: Error) => {
      const text = `${err.message} ${String(err.cause instanceof Error ? err.cause.message : '')}`;
      assert.match(text, /SASL|authentication|Authentication/);
      assert.ok(!text.includes(wrong), 'no password in the error');
      return true;
    });
    await publisher.close();
    assert.ok(logged.length > 0 && !logged.includes(wrong), 'no password in the (debug) logs');
  });
});
