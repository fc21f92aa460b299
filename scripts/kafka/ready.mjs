// Readiness probe used by scripts/services.sh: one attempt to describe the cluster with kafkajs.
// Usage: node ready.mjs <brokers,comma,separated> <expectedBrokerCount> [timeoutMs]
// Exit 0 when the cluster answers with at least the expected number of brokers and a controller.
import { Kafka, logLevel } from 'kafkajs';

const [brokersArg = '', expectedArg = '1', timeoutArg = '5000'] = process.argv.slice(2);
const expected = Number(expectedArg);
const timeout = Number(timeoutArg);
const kafka = new Kafka({
  clientId: 'kh-services-ready',
  brokers: brokersArg.split(',').filter(Boolean),
  logLevel: logLevel.NOTHING,
  connectionTimeout: Math.min(timeout, 3000),
  requestTimeout: timeout,
  retry: { retries: 0 },
});
const admin = kafka.admin();
const timer = setTimeout(() => {
  process.stderr.write('timed out describing the cluster\n');
  process.exit(1);
}, timeout + 1000);
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (cluster.brokers.length < expected || cluster.controller === null || cluster.controller < 0) {
    process.stderr.write(`cluster not ready: ${cluster.brokers.length}/${expected} brokers\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`${cluster.clusterId} brokers=${cluster.brokers.length}\n`);
  }
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  await admin.disconnect().catch(() => undefined);
}
