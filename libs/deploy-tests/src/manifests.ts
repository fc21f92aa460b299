import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './kube-types.js';

const COMPONENT = 'app.kubernetes.io/component';

/** Parses a multi-document YAML stream (helm template output) into objects, skipping empty documents. */
export function parseManifests(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML in manifests: ${doc.errors[0]?.message ?? ''}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const obj = value as Partial<K8sObject>;
    if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string' || !obj.metadata?.name) {
      throw new Error(`rendered document without kind/apiVersion/metadata.name: ${JSON.stringify(value)}`);
    }
    out.push(obj as K8sObject);
  }
  return out;
}

/** Objects of one kind, optionally of one component (label `app.kubernetes.io/component`). */
export function ofKind<T extends K8sObject = K8sObject>(
  objects: readonly K8sObject[],
  kind: string,
  component?: string,
): T[] {
  return objects.filter(
    (o) => o.kind === kind && (component === undefined || o.metadata.labels?.[COMPONENT] === component),
  ) as T[];
}

/** The single object of a kind (and component); throws when there is not exactly one. */
export function single<T extends K8sObject = K8sObject>(
  objects: readonly K8sObject[],
  kind: string,
  component?: string,
): T {
  const found = ofKind<T>(objects, kind, component);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${component ? ` (${component})` : ''}, found ${found.length}`);
  }
  return found[0]!;
}
