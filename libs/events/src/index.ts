export * from './schema.js';
export * from './types.js';
export * from './identity.js';
export * from './codec.js';
export * from './normalize.js';
export { fromCoreV1 } from './from-core-v1.js';
export { fromEventsV1 } from './from-events-v1.js';
export {
  cleanString,
  truncateUtf8,
  MAX_MESSAGE_BYTES,
  MAX_FIELD_BYTES,
  MAX_EXTRA_STRING_BYTES,
} from './sanitize.js';
export { parseKubeTime, type ParsedTime } from './time.js';
export { NOISE_PATHS } from './extra.js';
export { syntheticUid } from './source-fields.js';
export { summarizeIssues } from './zod-issues.js';
export { eventV1JsonSchemaText } from './json-schema.js';
