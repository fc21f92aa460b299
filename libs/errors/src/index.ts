export * from './kh-error.js';
export * from './backoff.js';
