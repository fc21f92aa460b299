export { freePort } from './free-port.js';
export {
  startServiceProcess,
  type ProcessExit,
  type ServiceProcess,
  type ServiceProcessOptions,
} from './service-process.js';
