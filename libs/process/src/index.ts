export { freePort } from './free-port.js';
export { closeInOrder, type CloseReport, type CloseStep } from './close-in-order.js';
export {
  startServiceProcess,
  type ProcessExit,
  type ServiceProcess,
  type ServiceProcessOptions,
} from './service-process.js';
export {
  runUntilSignal,
  type Closers,
  type RunOutcome,
  type RunUntilSignalOptions,
} from './run-until-signal.js';
export { http, https } from './node-http.js';
export { compactHeap, compactHeapWhenQuiet, type CompactWhenQuietOptions } from './compact-heap.js';
