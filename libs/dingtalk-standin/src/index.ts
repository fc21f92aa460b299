export { createDingtalkStandin } from './standin.js';
export type { DingtalkStandin } from './standin.js';
export { StandinError } from './errors.js';
export type { StandinErrorCode } from './errors.js';
export { MARKDOWN_RENDERER_JS } from './markdown-renderer.js';
export { accountedInText } from './message-accounting.js';
export type {
  StandinRobot,
  StandinOptions,
  StandinLogger,
  RecordedMessage,
  RecordedAt,
  FaultMode,
  FaultSpec,
  RobotStats,
  StandinStats,
} from './types.js';
