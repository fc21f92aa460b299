import { z } from 'zod';
import { KhError } from '@kube-herald/errors';
import type { Receiver } from '../model.js';
import { dingtalkReceiver } from './dingtalk/index.js';
import { feishuReceiver } from './feishu/index.js';
import { slackReceiver } from './slack/index.js';
import { webhookReceiver } from './webhook/index.js';
import { wecomReceiver } from './wecom/index.js';
import type { ReceiverDeps } from './receiver-deps.js';
import type { ConfigOf, ReceiverSecrets } from './schema.js';

/** Every receiver type: a new type is one folder plus one line here (and the chart's enum). */
const RECEIVER_MODULES = [
  dingtalkReceiver, // receivers/dingtalk
  webhookReceiver, // receivers/webhook
  slackReceiver, // receivers/slack
  feishuReceiver, // receivers/feishu
  wecomReceiver, // receivers/wecom
] as const;

type Modules = typeof RECEIVER_MODULES;
type SchemaOf<M> = M extends { readonly schema: infer S } ? S : never;
type SchemasOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: SchemaOf<T[K]> };

/** Receiver types known to the registry. */
export const RECEIVER_TYPES = RECEIVER_MODULES.map((m) => m.type);
export type ReceiverType = Modules[number]['type'];

/** One receiver as written in the config: a union on `type` of every type's schema. */
export const receiverSchema = z.discriminatedUnion(
  'type',
  RECEIVER_MODULES.map((m) => m.schema) as SchemasOf<Modules>,
);

/** A receiver as validated, secrets removed (they live in `config.secrets`); narrow it on `type`. */
export type ReceiverConfig = ConfigOfEach<SchemaOf<Modules[number]>>;
type ConfigOfEach<S> = S extends z.ZodType ? ConfigOf<S> : never; // distributes over the union

type AnyModule = {
  readonly create: (cfg: ReceiverConfig, secrets: ReceiverSecrets, deps?: ReceiverDeps) => Receiver;
  readonly validateWebhookUrl: (webhook: string, insecureHttp: boolean) => string[];
};
// Each module's `create` takes its own member of the union: the lookup by `type` is what makes it safe.
const byType = new Map<string, AnyModule>(RECEIVER_MODULES.map((m) => [m.type, m as unknown as AnyModule]));

/** Problems of a resolved webhook for a receiver of `type` (none for an unknown type: the schema says it). */
export function validateReceiverWebhook(type: unknown, webhook: string, insecureHttp: boolean): string[] {
  return typeof type === 'string' ? (byType.get(type)?.validateWebhookUrl(webhook, insecureHttp) ?? []) : [];
}

/** The involved-object label a receiver reads mentions from (`mentions.fromLabel`), for types with mentions. */
export function mentionLabelOf(cfg: ReceiverConfig): string | undefined {
  return 'mentions' in cfg ? cfg.mentions.fromLabel : undefined;
}

/** What {@link createReceivers} needs of the notifier config. */
export interface ReceiversInput {
  readonly receivers: readonly ReceiverConfig[];
  readonly secrets: { receiver(name: string): ReceiverSecrets | undefined };
  readonly delivery?: { readonly maxBodyBytes: number };
}

/** Creates every configured receiver, by name. Throws `KhError('receiver_secret_missing')`. */
export function createReceivers(config: ReceiversInput, deps: ReceiverDeps = {}): Map<string, Receiver> {
  const out = new Map<string, Receiver>();
  for (const cfg of config.receivers) {
    const secrets = config.secrets.receiver(cfg.name);
    if (!secrets) throw new KhError('receiver_secret_missing', `receiver "${cfg.name}" has no webhook`);
    const maxBodyBytes = deps.maxBodyBytes ?? config.delivery?.maxBodyBytes;
    const mod = byType.get(cfg.type);
    if (!mod) throw new KhError('receiver_type_unknown', `receiver "${cfg.name}" has an unknown type`);
    out.set(cfg.name, mod.create(cfg, secrets, maxBodyBytes ? { ...deps, maxBodyBytes } : deps));
  }
  return out;
}
