import { stringify } from 'yaml';
import { KhError } from '@kube-herald/errors';

/** A receiver + route pair translated from one kube-eventer sink (YAML input form of the config). */
export interface KubeEventerFragment {
  readonly receiver: Record<string, unknown> & { readonly name: string };
  readonly route: Record<string, unknown>;
}

const KNOWN = new Set(['label', 'level', 'namespaces', 'kinds', 'sign', 'msg_type']);

function invalid(message: string): KhError {
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

function msgType(v: string | null): 'markdown' | 'text' {
  if (v === null || v === '' || v === 'markdown') return 'markdown';
  if (v === 'text') return 'text';
  throw invalid(`msg_type must be markdown or text, got ${JSON.stringify(v)}`);
}

function levelMatch(v: string | null): string | undefined {
  // kube-eventer: level=Warning sends Warning only; level=Normal sends everything (Normal and above).
  if (v === null || v === '' || v === 'Warning') return 'Warning';
  if (v === 'Normal') return undefined;
  throw invalid(`level must be Warning or Normal, got ${JSON.stringify(v)}`);
}

function parseUrl(sink: string): URL {
  if (!sink.startsWith('dingtalk:')) throw invalid('only dingtalk: sinks are translated');
  try {
    return new URL(sink.slice('dingtalk:'.length));
  } catch {
    throw invalid('the webhook after "dingtalk:" is not a URL'); // never echo it: it holds the token
  }
}

/**
 * Translates kube-eventer's `--sink=dingtalk:<webhook>&label=<cluster>&level=Warning&namespaces=a,b
 * &kinds=Pod,Node&sign=<secret>&msg_type=markdown|text` (the webhook carries `?access_token=`, the
 * sink parameters follow with `&`) into a receiver and a route. `label` is the cluster id (as in
 * Alibaba's docs) and becomes a `cluster` match; `level=Warning` (the default) matches Warning only.
 * Throws `KhError('kube_eventer_sink_invalid')`, never echoing the token or secret.
 */
export function parseKubeEventerSink(sink: string, name?: string): KubeEventerFragment {
  const url = parseUrl(sink.trim());
  const p = url.searchParams;
  if (!p.get('access_token')) throw invalid('the webhook has no access_token');
  if (url.protocol !== 'https:')
    throw invalid(
      'the webhook must be https (for a local stand-in, write the receiver in a config file with insecureHttp: true)',
    );
  const webhook = new URL(url.toString());
  for (const k of KNOWN) webhook.searchParams.delete(k);
  const label = p.get('label') ?? '';
  const safe = label.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '');
  const receiverName = name ?? `dingtalk-${safe || 'default'}`;
  const sign = p.get('sign');
  const receiver = {
    name: receiverName,
    type: 'dingtalk',
    webhook: webhook.toString(),
    ...(sign ? { secret: sign } : {}),
    msgType: msgType(p.get('msg_type')),
  };
  const match: Record<string, string> = {};
  if (label) match.cluster = escapeRegex(label);
  const type = levelMatch(p.get('level'));
  if (type) match.type = type;
  const ns = alternatives(p.get('namespaces'));
  if (ns) match.namespace = ns;
  const kinds = alternatives(p.get('kinds'));
  if (kinds) match.kind = kinds;
  const route = { ...(Object.keys(match).length ? { match } : {}), receiver: receiverName, continue: true };
  return { receiver, route };
}

/** Options of {@link kubeEventerSinksToConfig}: placeholders for the parts a sink does not say. */
export interface KubeEventerConfigOptions {
  readonly kafkaBrokers?: string;
  readonly redisUrl?: string;
}

/**
 * A full notifier config document from kube-eventer sinks: every sink becomes a receiver and a
 * `continue: true` route (each sink gets its events, as in kube-eventer). Receiver names are made unique.
 * The document holds the webhooks and secrets: write it with care, or move them to `*File`.
 */
export function kubeEventerSinksToConfig(
  sinks: readonly string[],
  opts: KubeEventerConfigOptions = {},
): Record<string, unknown> {
  const used = new Map<string, number>();
  const fragments = sinks.map((sink) => {
    const f = parseKubeEventerSink(sink);
    const seen = used.get(f.receiver.name) ?? 0;
    used.set(f.receiver.name, seen + 1);
    return seen === 0 ? f : parseKubeEventerSink(sink, `${f.receiver.name}-${seen + 1}`);
  });
  return {
    kafka: { brokers: opts.kafkaBrokers ?? '${KH_KAFKA_BROKERS}' },
    redis: { url: opts.redisUrl ?? '${KH_REDIS_URL}' },
    receivers: fragments.map((f) => f.receiver),
    route: { groupBy: ['cluster', 'namespace', 'reason'], routes: fragments.map((f) => f.route) },
  };
}

/** YAML text of a config document (for `kube-herald config from-kube-eventer`). */
export function toYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}
