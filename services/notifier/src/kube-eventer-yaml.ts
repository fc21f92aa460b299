import { Document, isSeq } from 'yaml';
import type { KubeEventerConfigOptions } from './kube-eventer.js';
import { parseDingtalkSink, uniqueFragments } from './kube-eventer.js';
import { WECHAT_PREFIX, parseWechatSink } from './kube-eventer-wechat.js';
import type { KubeEventerFragment } from './kube-eventer-common.js';

/** Options of {@link kubeEventerConfigYaml}. */
export interface KubeEventerYamlOptions extends KubeEventerConfigOptions {
  /** Where the receivers' secret files are mounted: `<dir>/<receiver>/webhook|secret`. Default `/secrets` (the chart's). */
  readonly secretsDir?: string;
  /** Namespace written in the `kubectl create secret` hints. Default `kube-herald`. */
  readonly namespace?: string;
}

/** One printed receiver: its config (secrets by file), the secret keys to create, and its comments. */
interface Printed extends KubeEventerFragment {
  readonly keys: readonly (readonly [key: 'webhook' | 'secret', what: string])[];
  readonly warnings: readonly string[];
}

function translate(sink: string, index: number, name: string | undefined, dir: string): Printed {
  const n = index + 1;
  if (sink.trim().startsWith(WECHAT_PREFIX)) {
    const w = parseWechatSink(sink, name);
    const receiver = { ...w.receiver, webhookFile: `${dir}/${w.receiver.name}/webhook` };
    const what = `a WeCom group robot webhook (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…) — not in --sink ${n}`;
    return { receiver, route: w.route, keys: [['webhook', what]], warnings: w.warnings };
  }
  const f = parseDingtalkSink(sink, name);
  // The token and the signing secret stay out of the printed document: they become files.
  const { webhook: _webhook, secret, ...rest } = f.receiver;
  const signed = typeof secret === 'string';
  const receiver = {
    ...rest,
    webhookFile: `${dir}/${f.receiver.name}/webhook`,
    ...(signed ? { secretFile: `${dir}/${f.receiver.name}/secret` } : {}),
  };
  const keys: Printed['keys'] = [
    [
      'webhook',
      `the webhook of --sink ${n} without its kube-eventer parameters (…/robot/send?access_token=…)`,
    ],
    ...(signed ? [['secret', `the sign= value of --sink ${n} (SEC…)`] as const] : []),
  ];
  return { receiver, route: f.route, keys, warnings: [] };
}

function envName(receiver: string, key: string): string {
  return `KH_${receiver}_${key}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function receiverComment(p: Printed, ns: string): string {
  const name = p.receiver.name;
  const files = p.keys.map(([key, what]) => `     --from-file=${key}=<file holding ${what}>`);
  const lines = [
    ` Secret kube-herald-${name}, mounted at the directory of webhookFile:`,
    `   kubectl -n ${ns} create secret generic kube-herald-${name} \\`,
    ...files.map((l, i) => (i < files.length - 1 ? `${l} \\` : l)),
    ` or, instead of the file(s): ${p.keys.map(([k]) => `${k}: \${${envName(name, k)}}`).join(', ')}`,
    ...p.warnings.map((w) => ` WARNING: ${w}`),
  ];
  return lines.join('\n');
}

const HEADER = (n: number, dir: string) =>
  [
    ` kube-herald notifier configuration translated from ${n} kube-eventer sink(s).`,
    ' No secret is in this file: each receiver reads its webhook (and signing secret) from files under',
    ` ${dir}/<receiver>/. Create one Kubernetes Secret per receiver as shown above it (the chart mounts`,
    ' notifier.receivers[].existingSecret there), or write the files yourself (mode 0600). To use environment',
    ' variables instead, replace webhookFile/secretFile with the webhook:/secret: line shown (${VAR} is expanded',
    ' at start). Keep webhooks out of git and ConfigMaps: they are credentials.',
  ].join('\n');

/**
 * The YAML `kube-herald config from-kube-eventer` prints: the notifier config equivalent to the sinks,
 * with secrets referred to by file (`webhookFile`/`secretFile` under `secretsDir`) and comments saying
 * how to create them (`kubectl create secret …`, or `${VAR}`), plus a WARNING line for every parameter
 * without an equivalent. Never contains a token, signing secret or corp_secret.
 */
export function kubeEventerConfigYaml(sinks: readonly string[], opts: KubeEventerYamlOptions = {}): string {
  const dir = (opts.secretsDir ?? '/secrets').replace(/\/+$/, '');
  const printed = uniqueFragments(sinks, (sink, name, index) => translate(sink, index, name, dir));
  const doc = new Document({
    kafka: { brokers: opts.kafkaBrokers ?? '${KH_KAFKA_BROKERS}' },
    redis: { url: opts.redisUrl ?? '${KH_REDIS_URL}' },
    receivers: printed.map((p) => p.receiver),
    route: { groupBy: ['cluster', 'namespace', 'reason'], routes: printed.map((p) => p.route) },
  });
  doc.commentBefore = HEADER(sinks.length, dir);
  const seq = doc.get('receivers', true);
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      const p = printed[i];
      if (p && item && typeof item === 'object')
        (item as { commentBefore?: string }).commentBefore = receiverComment(
          p,
          opts.namespace ?? 'kube-herald',
        );
    });
  }
  return doc.toString({ lineWidth: 0 });
}
