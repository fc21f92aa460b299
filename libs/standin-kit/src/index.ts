export { createFaults, createFaultSpecParser, FAULT_LIMIT, FAULTS_FULL, waitFaultDelay } from './faults.js';
export type { ActiveFault, FaultBase, Faults, FaultShape } from './faults.js';
export { createRateWindow } from './rate-window.js';
export type { RateWindow } from './rate-window.js';
export { jsonSender, sendJson, sendBadGateway, readBody } from './http-util.js';
export type { JsonSender } from './http-util.js';
export { handleSharedControl, handleStandinControl } from './control-api.js';
export type { SharedControl, StandinControl } from './control-api.js';
export { createStandinServer } from './server.js';
export type { StandinServer, StandinServerLogger, StandinServerOptions } from './server.js';
export { respond } from './action.js';
export type { StandinAction } from './action.js';
export { appendCapped, MESSAGE_LOG_MAX } from './message-log.js';
export { createEngineCore, createRoster } from './engine-core.js';
export type {
  EngineCore,
  Roster,
  RosterRules,
  SignedRobot,
  StandinBaseOptions,
  StandinEngine,
  StandinLogger,
} from './engine-core.js';
export { admitPerMinute, createMinuteRoster, minuteRobotStats } from './minute-robot.js';
export type { MinuteRobotState, MinuteRobotStats } from './minute-robot.js';
export { sendToStandin, useStandinInTests } from './test-aids.js';
export type { TestHooks } from './test-aids.js';
