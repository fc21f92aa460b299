import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kafkaBrokers, kafkaClusterBrokers, redisUrl, uniqueName, waitFor } from '../src/index.js';

function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  try {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('service addresses', () => {
  it('read KH_* variables', () => {
    withEnv(
      {
        KH_KAFKA_BROKERS: '127.0.0.1:1234',
        KH_KAFKA_CLUSTER_BROKERS: '127.0.0.1:1, 127.0.0.1:2,127.0.0.1:3',
        KH_REDIS_URL: 'redis://127.0.0.1:6390',
      },
      () => {
        assert.deepEqual(kafkaBrokers(), ['127.0.0.1:1234']);
        assert.deepEqual(kafkaClusterBrokers(), ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3']);
        assert.equal(redisUrl(), 'redis://127.0.0.1:6390');
      },
    );
  });

  it('throw a clear error naming the command when unset', () => {
    withEnv({ KH_KAFKA_BROKERS: undefined, KH_REDIS_URL: ' ', KH_KAFKA_CLUSTER_BROKERS: ',' }, () => {
      assert.throws(() => kafkaBrokers(), {
        code: 'SERVICE_ENV_MISSING',
        message: /KH_KAFKA_BROKERS is not set: run `bash scripts\/services\.sh start/,
      });
      assert.throws(() => redisUrl(), { code: 'SERVICE_ENV_MISSING', message: /KH_REDIS_URL/ });
      assert.throws(() => kafkaClusterBrokers(), { message: /services\.sh start-cluster/ });
    });
  });
});

describe('uniqueName', () => {
  it('is unique and safe for topics and queues', () => {
    const names = Array.from({ length: 200 }, () => uniqueName('My Topic/1'));
    assert.equal(new Set(names).size, 200);
    for (const n of names) assert.match(n, /^my-topic-1-[a-z0-9._-]+$/);
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let n = 0;
    const value = await waitFor(() => (++n >= 3 ? { n } : undefined), { intervalMs: 1 });
    assert.deepEqual(value, { n: 3 });
  });

  it('times out naming what it waited for, with the last error as cause', async () => {
    const started = Date.now();
    await assert.rejects(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 60, intervalMs: 10, what: 'the moon' },
      ),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'WAIT_FOR_TIMEOUT');
        assert.match(err.message, /timed out after 60 ms .* waiting for the moon/);
        assert.equal((err.cause as Error).message, 'not yet');
        return true;
      },
    );
    assert.ok(Date.now() - started >= 55);
  });
});
