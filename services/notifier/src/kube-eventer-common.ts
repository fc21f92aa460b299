import { KhError } from '@kube-herald/errors';

/** A receiver + route pair translated from one kube-eventer sink (YAML input form of the config). */
export interface KubeEventerFragment {
  readonly receiver: Record<string, unknown> & { readonly name: string };
  readonly route: Record<string, unknown>;
}

/** The stable error of every sink that cannot be translated (its message never quotes a secret). */
export function invalid(message: string): KhError {
  return new KhError('kube_eventer_sink_invalid', `kube-eventer sink: ${message}`);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function alternatives(csv: string | null): string | undefined {
  const items = (csv ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items.map(escapeRegex).join('|') : undefined;
}

function levelMatch(v: string | null): string | undefined {
  // kube-eventer: level=Warning sends Warning only; level=Normal sends everything (Normal and above).
  if (v === null || v === '' || v === 'Warning') return 'Warning';
  if (v === 'Normal') return undefined;
  throw invalid(`level must be Warning or Normal, got ${JSON.stringify(v)}`);
}

/** `<prefix>-<label>` (label made name-safe), or the given name. */
export function receiverNameOf(prefix: string, label: string, name?: string): string {
  const safe = label.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '');
  return name ?? `${prefix}-${safe || 'default'}`;
}

/**
 * The route of a sink: `label` → cluster match (the cluster id, as in Alibaba's docs), `level=Warning`
 * (the default) → Warning only, `namespaces`/`kinds` → namespace/kind matches; `continue: true` so that
 * every sink gets its events, as in kube-eventer.
 */
export function routeOf(p: URLSearchParams, receiver: string): Record<string, unknown> {
  const match: Record<string, string> = {};
  const label = p.get('label') ?? '';
  if (label) match.cluster = escapeRegex(label);
  const type = levelMatch(p.get('level'));
  if (type) match.type = type;
  const ns = alternatives(p.get('namespaces'));
  if (ns) match.namespace = ns;
  const kinds = alternatives(p.get('kinds'));
  if (kinds) match.kind = kinds;
  return { ...(Object.keys(match).length ? { match } : {}), receiver, continue: true };
}
