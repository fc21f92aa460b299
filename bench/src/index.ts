export * from './paths.js';
export { startPrivateKafka, type PrivateKafka } from './private-kafka.js';
export { startPrivateRedis, type PrivateRedis } from './private-redis.js';
export { createWorld, type World, type WorldOptions } from './world.js';
export { createLedger, type Ledger, type Tally } from './ledger.js';
export { createLoad, type Load, type LoadOptions } from './load.js';
export { FAULT_CASES } from './faults/cases.js';
export { createFaultRunner, type FaultRunner } from './faults/fault-runner.js';
export type { FaultCase, FaultResult } from './faults/fault-case.js';
