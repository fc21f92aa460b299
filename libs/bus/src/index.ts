export type * from './types.js';
export { BusErrorCode } from './errors.js';
export type { KafkaConnectionOptions } from './kafka-client.js';
export {
  KAFKA_SASL_MECHANISMS,
  kafkaSecurityShape,
  resolveKafkaTls,
  SASL_WITHOUT_TLS_WARNING,
  type KafkaSecurityConfig,
} from './kafka-security.js';
export {
  createKafkaPublisher,
  type KafkaCompression,
  type KafkaPublisherOptions,
} from './kafka-publisher.js';
export { createKafkaSubscriber, type KafkaSubscriberOptions } from './kafka-subscriber.js';
export { createKafkaAdmin, type BusAdmin, type KafkaAdminOptions } from './kafka-admin.js';
export {
  createKafkaRangeReader,
  type KafkaRangeReaderOptions,
  type RangeBatchHandler,
  type RangeReader,
} from './kafka-range-reader.js';
