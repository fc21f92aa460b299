export { createSilenceStore } from './silence-store.js';
export type { SilenceStore, SilenceStoreOptions, SilenceStoreLogger } from './silence-store.js';
export { buildSilence } from './silence.js';
export type { Silence, SilenceInput } from './silence.js';
