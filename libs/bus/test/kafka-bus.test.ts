import { createKafkaAdmin, createKafkaPublisher, createKafkaSubscriber } from '../src/index.js';
import { kafkaBrokers, testLogger, uniqueName } from '@kube-herald/testing';
import { busContract } from './contract.js';

busContract('kafka', () => {
  const brokers = kafkaBrokers();
  const log = testLogger('bus-contract');
  const admin = createKafkaAdmin({ brokers, clientId: uniqueName('admin'), log });
  return Promise.resolve({
    publisher: () => createKafkaPublisher({ brokers, clientId: uniqueName('pub'), log }),
    subscriber: (options) =>
      createKafkaSubscriber({
        ...options,
        brokers,
        clientId: uniqueName('sub'),
        log,
        sessionTimeoutMs: 10_000,
      }),
    createTopic: async (topic, partitions) => {
      await admin.ensureTopics([{ topic, partitions, replicationFactor: 1 }]);
    },
    close: () => admin.close(),
    timeoutMs: 30_000,
  });
});
