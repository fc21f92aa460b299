export * from './load.js';
export * from './durations.js';
