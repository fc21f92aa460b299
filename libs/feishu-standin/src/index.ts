export { createFeishuStandin } from './standin.js';
export type { FeishuStandin } from './standin.js';
export { StandinError } from './errors.js';
export type { StandinErrorCode } from './errors.js';
export type {
  StandinBot,
  StandinOptions,
  StandinLogger,
  RecordedMessage,
  FaultMode,
  FaultSpec,
  BotStats,
  StandinStats,
} from './types.js';
