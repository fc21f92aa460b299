import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, readConfigYaml } from '@kube-herald/config';

type Doc = Record<string, unknown>;

function isDoc(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function absolute(v: unknown, base: string): unknown {
  return typeof v === 'string' && !isAbsolute(v) ? resolve(base, v) : v;
}

/** Makes the `*File` paths of a notifier document absolute (they are relative to the config file). */
function absoluteFiles(doc: Doc, base: string): void {
  for (const r of list(doc.receivers)) {
    if (!isDoc(r)) continue;
    if ('webhookFile' in r) r.webhookFile = absolute(r.webhookFile, base);
    if ('secretFile' in r) r.secretFile = absolute(r.secretFile, base);
  }
  if (isDoc(doc.redis) && 'passwordFile' in doc.redis)
    doc.redis.passwordFile = absolute(doc.redis.passwordFile, base);
  if (isDoc(doc.kafka) && isDoc(doc.kafka.sasl) && 'passwordFile' in doc.kafka.sasl)
    doc.kafka.sasl.passwordFile = absolute(doc.kafka.sasl.passwordFile, base);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

function readDoc(file: string): Doc {
  const doc = readConfigYaml(file);
  if (!isDoc(doc)) throw new ConfigError([{ path: file, message: 'not a YAML mapping' }]);
  return doc;
}

/**
 * Merges the document translated from kube-eventer sinks into the config file's document: the sinks'
 * receivers are added, their `continue: true` routes go first under the root route (each sink gets its
 * events, as in kube-eventer), then the file's own routes. Without a file the translation stands alone.
 */
export function mergeSinkConfig(file: string | undefined, fromSinks: Doc): Doc {
  if (file === undefined) return fromSinks;
  const doc = readDoc(file);
  absoluteFiles(doc, dirname(resolve(file)));
  const receivers = list(doc.receivers);
  const sinkReceivers = list(fromSinks.receivers);
  const route = isDoc(doc.route) ? doc.route : {};
  const sinkRoute = isDoc(fromSinks.route) ? fromSinks.route : {};
  const routes = list(route.routes);
  const sinkRoutes = list(sinkRoute.routes);
  return {
    ...doc,
    receivers: [...sinkReceivers, ...receivers],
    route: { ...route, routes: [...sinkRoutes, ...routes] },
  };
}
