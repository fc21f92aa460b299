import { stringify } from 'yaml';
import { invalid, receiverNameOf, routeOf } from './kube-eventer-common.js';
import type { KubeEventerFragment } from './kube-eventer-common.js';
import { WECHAT_PREFIX, wechatRuntimeError } from './kube-eventer-wechat.js';

export type { KubeEventerFragment } from './kube-eventer-common.js';

const KNOWN = new Set(['label', 'level', 'namespaces', 'kinds', 'sign', 'msg_type']);

function msgType(v: string | null): 'markdown' | 'text' {
  if (v === null || v === '' || v === 'markdown') return 'markdown';
  if (v === 'text') return 'text';
  throw invalid(`msg_type must be markdown or text, got ${JSON.stringify(v)}`);
}

function parseUrl(sink: string): URL {
  if (!sink.startsWith('dingtalk:')) throw invalid('only dingtalk: and wechat: sinks are translated');
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
 * Throws `KhError('kube_eventer_sink_invalid')`, never echoing the token or secret. A `wechat:` sink is
 * refused here (it cannot run as written: see kube-eventer-wechat.ts); `kubeEventerConfigYaml` translates it.
 */
export function parseKubeEventerSink(sink: string, name?: string): KubeEventerFragment {
  if (sink.trim().startsWith(WECHAT_PREFIX)) throw wechatRuntimeError();
  return parseDingtalkSink(sink, name);
}

/** A `dingtalk:` sink; the receiver holds the webhook and the secret inline (see {@link parseKubeEventerSink}). */
export function parseDingtalkSink(sink: string, name?: string): KubeEventerFragment {
  const url = parseUrl(sink.trim());
  const p = url.searchParams;
  if (!p.get('access_token')) throw invalid('the webhook has no access_token');
  if (url.protocol !== 'https:')
    throw invalid(
      'the webhook must be https (for a local stand-in, write the receiver in a config file with insecureHttp: true)',
    );
  const webhook = new URL(url.toString());
  for (const k of KNOWN) webhook.searchParams.delete(k);
  const receiverName = receiverNameOf('dingtalk', p.get('label') ?? '', name);
  const sign = p.get('sign');
  const receiver = {
    name: receiverName,
    type: 'dingtalk',
    webhook: webhook.toString(),
    ...(sign ? { secret: sign } : {}),
    msgType: msgType(p.get('msg_type')),
  };
  const route = routeOf(p, receiverName);
  return { receiver, route };
}

/** Options of {@link kubeEventerSinksToConfig}: placeholders for the parts a sink does not say. */
export interface KubeEventerConfigOptions {
  readonly kafkaBrokers?: string;
  readonly redisUrl?: string;
}

/**
 * Makes receiver names unique across sinks (`dingtalk-prod`, `dingtalk-prod-2`, …): `parse(sink, name?)`
 * is called again with the unique name when its default one was taken.
 */
export function uniqueFragments<F extends KubeEventerFragment>(
  sinks: readonly string[],
  parse: (sink: string, name: string | undefined, index: number) => F,
): F[] {
  const used = new Map<string, number>();
  return sinks.map((sink, index) => {
    const f = parse(sink, undefined, index);
    const seen = used.get(f.receiver.name) ?? 0;
    used.set(f.receiver.name, seen + 1);
    return seen === 0 ? f : parse(sink, `${f.receiver.name}-${seen + 1}`, index);
  });
}

/**
 * A full notifier config document from kube-eventer `dingtalk:` sinks, for `notifier --sink` only: every
 * sink becomes a receiver and a `continue: true` route (each sink gets its events, as in kube-eventer).
 * The document holds the webhooks and secrets INLINE: it is meant for a private temporary file read
 * once. To print a config, use `kubeEventerConfigYaml` (secrets by file or environment variable).
 */
export function kubeEventerSinksToConfig(
  sinks: readonly string[],
  opts: KubeEventerConfigOptions = {},
): Record<string, unknown> {
  const fragments = uniqueFragments(sinks, (sink, name) => parseKubeEventerSink(sink, name));
  return {
    kafka: { brokers: opts.kafkaBrokers ?? '${KH_KAFKA_BROKERS}' },
    redis: { url: opts.redisUrl ?? '${KH_REDIS_URL}' },
    receivers: fragments.map((f) => f.receiver),
    route: { groupBy: ['cluster', 'namespace', 'reason'], routes: fragments.map((f) => f.route) },
  };
}

/** YAML text of a config document. */
export function toYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}
