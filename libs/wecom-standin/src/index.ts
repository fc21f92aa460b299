export { createWecomStandin, SEND_PATH } from './standin.js';
export type { WecomStandin } from './standin.js';
export { WecomStandinError } from './errors.js';
export type { WecomStandinErrorCode } from './errors.js';
export { CONTENT_LIMITS } from './checks.js';
export type {
  WecomStandinRobot,
  WecomStandinOptions,
  WecomStandinLogger,
  WecomRecordedMessage,
  WecomFaultMode,
  WecomFaultSpec,
  WecomRobotStats,
  WecomStandinStats,
} from './types.js';
