const HINT = 'run `bash scripts/services.sh start && source .run/services.env` first (npm test does both)';

/** Error thrown when a test asks for a service address that the environment does not provide. */
export class ServiceEnvError extends Error {
  readonly code = 'SERVICE_ENV_MISSING';

  constructor(variable: string, hint: string) {
    super(`${variable} is not set: ${hint}`);
    this.name = 'ServiceEnvError';
  }
}

function required(variable: string, hint: string): string {
  const value = process.env[variable]?.trim();
  if (!value) throw new ServiceEnvError(variable, hint);
  return value;
}

function brokerList(variable: string, hint: string): string[] {
  const brokers = required(variable, hint)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new ServiceEnvError(variable, hint);
  return brokers;
}

/**
 * The single test Kafka broker started by `bash scripts/services.sh start` (`KH_KAFKA_BROKERS`).
 * Throws {@link ServiceEnvError} when unset: a test never skips because a service is missing.
 */
export function kafkaBrokers(): string[] {
  return brokerList('KH_KAFKA_BROKERS', HINT);
}

/**
 * The single test broker's SASL/PLAIN listener and its test user (`KH_KAFKA_SASL_BROKERS`,
 * `KH_KAFKA_SASL_USERNAME`, `KH_KAFKA_SASL_PASSWORD`). Throws {@link ServiceEnvError} when unset.
 */
export function kafkaSaslBrokers(): { brokers: string[]; username: string; password: string } {
  return {
    brokers: brokerList('KH_KAFKA_SASL_BROKERS', HINT),
    username: required('KH_KAFKA_SASL_USERNAME', HINT),
    password: required('KH_KAFKA_SASL_PASSWORD', HINT),
  };
}

/**
 * The 3-broker failover cluster started by `bash scripts/services.sh start-cluster`
 * (`KH_KAFKA_CLUSTER_BROKERS`). Throws {@link ServiceEnvError} when unset.
 */
export function kafkaClusterBrokers(): string[] {
  return brokerList(
    'KH_KAFKA_CLUSTER_BROKERS',
    'run `bash scripts/services.sh start-cluster && source .run/cluster.env` first',
  );
}

/**
 * The test Redis started by `bash scripts/services.sh start` (`KH_REDIS_URL`, `redis://127.0.0.1:<port>`).
 * Throws {@link ServiceEnvError} when unset.
 */
export function redisUrl(): string {
  return required('KH_REDIS_URL', HINT);
}
