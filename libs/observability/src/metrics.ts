import { Registry, collectDefaultMetrics } from 'prom-client';

/** A fresh registry with the process metrics (CPU, RSS, event loop lag) and a `service` default label. */
export function createRegistry(service: string, withDefaults = true): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'kube_herald_' });
  return registry;
}

export { Counter, Gauge, Histogram, Registry } from 'prom-client';
