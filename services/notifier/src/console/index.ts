export { createConsole } from './console.js';
export type { ConsoleDeps, OperatorConsole } from './console.js';
export type { Snapshot, IncidentView, GroupView, RobotView, FailedView } from './console-state.js';
export type { WhyAnswer, WhyQuery } from './console-why.js';
export type { AuditEntry } from './console-actions.js';
