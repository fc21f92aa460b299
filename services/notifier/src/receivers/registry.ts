import { KhError } from '@kube-herald/errors';
import type { NotifierConfig } from '../config.js';
import type { Receiver } from '../model.js';
import { createDingtalkReceiver } from './dingtalk.js';
import { createWebhookReceiver } from './webhook.js';
import type { ReceiverDeps } from './receiver-deps.js';

/** Receiver types: a new receiver is one file plus one line here (and its name in RECEIVER_TYPES). */
export const receiverTypes = {
  dingtalk: createDingtalkReceiver,
  webhook: createWebhookReceiver,
} as const;

/** Creates every configured receiver, by name. Throws `KhError('receiver_secret_missing')`. */
export function createReceivers(
  config: Pick<NotifierConfig, 'receivers' | 'secrets'> & {
    readonly delivery?: { readonly maxBodyBytes: number };
  },
  deps: ReceiverDeps = {},
): Map<string, Receiver> {
  const out = new Map<string, Receiver>();
  for (const cfg of config.receivers) {
    const secrets = config.secrets.receiver(cfg.name);
    if (!secrets) throw new KhError('receiver_secret_missing', `receiver "${cfg.name}" has no webhook`);
    const maxBodyBytes = deps.maxBodyBytes ?? config.delivery?.maxBodyBytes;
    const create = receiverTypes[cfg.type];
    out.set(cfg.name, create(cfg, secrets, maxBodyBytes ? { ...deps, maxBodyBytes } : deps));
  }
  return out;
}
