import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A fresh registry with the process metrics (CPU, RSS, event loop lag) and a `service` default label.
 * `eventLoopMonitoringPrecision` (ms, default prom-client's 10) is how often the event-loop lag is sampled:
 * each sample wakes the process, 100 times a second by default — most of an idle service's CPU.
 */
export function createRegistry(
  service: string,
  withDefaults = true,
  options: { readonly eventLoopMonitoringPrecision?: number } = {},
): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (withDefaults) {
    collectDefaultMetrics({
      register: registry,
      prefix: 'kube_herald_',
      ...(options.eventLoopMonitoringPrecision === undefined
        ? {}
        : { eventLoopMonitoringPrecision: options.eventLoopMonitoringPrecision }),
    });
  }
  return registry;
}

export { Counter, Gauge, Histogram, Registry } from 'prom-client';
