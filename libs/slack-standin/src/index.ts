export { createSlackStandin } from './standin.js';
export type { SlackStandin } from './standin.js';
export { SlackStandinError } from './errors.js';
export type { SlackStandinErrorCode } from './errors.js';
export type {
  StandinChannel,
  SlackStandinOptions,
  StandinLogger,
  RecordedMessage,
  FaultMode,
  FaultSpec,
  ChannelStats,
  SlackStandinStats,
} from './types.js';
