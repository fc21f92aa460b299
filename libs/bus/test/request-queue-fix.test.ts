import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@kube-herald/logging';
import { kafkaBrokers, uniqueName } from '@kube-herald/testing';
import { createKafkaAdmin, createKafkaPublisher } from '../src/index.js';
import { installRequestQueueFix } from '../src/request-queue-fix.js';

const require = createRequire(import.meta.url);
interface Queue {
  requestTimeoutIntervalId: unknown;
}
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
  prototype: { checkPendingRequests: (this: unknown) => void; push: (this: Queue, r: unknown) => void };
};
const log = createLogger({ name: 'bus-test', level: 'silent' });

describe("kafkajs' RequestQueue idle loop (tulios/kafkajs#1556)", () => {
  it('an idle connected publisher checks its request queues only when requests come, not every millisecond', async () => {
    assert.equal(installRequestQueueFix(), true, 'kafkajs 2.2.4: the fix applies');
    const topic = uniqueName('rq-idle');
    const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'rq-admin', log });
    await admin.ensureTopics([{ topic, partitions: 1 }]);
    await admin.close();
    const publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'rq-idle', log });
    const original = RequestQueue.prototype.checkPendingRequests;
    const push = RequestQueue.prototype.push;
    let checks = 0;
    const queues = new Set<Queue>();
    RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
      checks++;
      original.call(this);
    };
    RequestQueue.prototype.push = function (this: Queue, r: unknown) {
      queues.add(this);
      push.call(this, r);
    };
    try {
      await publisher.start();
      await publisher.publish(topic, [{ key: 'k', value: 'v' }]);
      await sleep(200);
      checks = 0;
      await sleep(1000);
      // Unpatched, every connection re-checks every ~1 ms (hundreds per second).
      assert.ok(checks < 10, `${checks} queue checks in an idle second`);
      // Nor a 100 ms request-timeout interval per connection while nothing is in flight.
      assert.ok(queues.size >= 1);
      for (const q of queues) assert.equal(q.requestTimeoutIntervalId ?? null, null, 'no idle interval');
      await publisher.publish(topic, [{ key: 'k', value: 'v2' }]); // and it still publishes
    } finally {
      RequestQueue.prototype.checkPendingRequests = original;
      RequestQueue.prototype.push = push;
      await publisher.close();
    }
  });
});
