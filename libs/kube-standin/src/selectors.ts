import { fieldPath, readPath, type ResourceView } from './resources.js';
import { badRequest } from './status.js';
import type { KubeObject } from './types.js';

/** A compiled selector: true when the stored object matches. */
export type Matcher = (stored: KubeObject) => boolean;

/** Compiles a `fieldSelector` (`a=b,c!=d`) for a resource; 400 on an unsupported field label. */
export function compileFieldSelector(view: ResourceView, selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const terms = selector.split(',').map((raw) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(raw.trim());
    if (!m?.[1] || !m[2]) throw badRequest(`invalid field selector: "${raw}"`);
    return { path: fieldPath(view, m[1].trim()), negate: m[2] === '!=', value: (m[3] ?? '').trim() };
  });
  return (obj) => terms.every((t) => (readPath(obj, t.path) === t.value) !== t.negate);
}

interface LabelRequirement {
  readonly key: string;
  readonly op: 'exists' | 'notexists' | 'in' | 'notin';
  readonly values: readonly string[];
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseRequirement(raw: string): LabelRequirement {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw);
  if (m?.[1] && m[2]) {
    const values = (m[3] ?? '').split(',').map((v) => v.trim());
    return { key: m[1], op: m[2] === 'in' ? 'in' : 'notin', values };
  }
  m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(raw);
  if (m?.[1] && m[2]) return { key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] ?? ''] };
  m = /^(!?)([^!=\s()]+)$/.exec(raw);
  if (m?.[2]) return { key: m[2], op: m[1] ? 'notexists' : 'exists', values: [] };
  throw badRequest(`unable to parse requirement: "${raw}"`);
}

/** Compiles a `labelSelector` (`=`, `!=`, `in`, `notin`, `key`, `!key`) against `metadata.labels`. */
export function compileLabelSelector(selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const reqs = splitTopLevel(selector).map(parseRequirement);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const value = labels[r.key];
      switch (r.op) {
        case 'exists':
          return has;
        case 'notexists':
          return !has;
        case 'in':
          return has && value !== undefined && r.values.includes(value);
        case 'notin':
          return !has || value === undefined || !r.values.includes(value);
      }
    });
  };
}
