import { WecomError, createWecomClient, wecomRobotId } from '@kube-herald/wecom';
import type { WecomMessage } from '@kube-herald/wecom';
import type { DeliveryOutcome, Digest, Notification, Receiver } from '../../model.js';
import { fixForOf } from '../fixes.js';
import { classifiedOutcome, sendOrPermanent } from '../outcome.js';
import { clientDeps, type ReceiverDeps } from '../receiver-deps.js';
import type { ReceiverSecrets } from '../schema.js';
import { renderWecom } from './render/index.js';
import type { WecomRenderOptions } from './render/index.js';
import type { WecomReceiverConfig } from './schema.js';
import { WECOM_FIXES } from './fixes.js';

/**
 * The WeCom group-robot receiver: renders with ./render (the neutral draft as WeCom markdown or text,
 * mentions, byte limits) and sends with @kube-herald/wecom. Its rate-gate key is a hash of the robot's
 * `key` (every WeCom robot shares one path). Outcomes never contain the webhook or key.
 */
export function createWecomReceiver(
  cfg: WecomReceiverConfig,
  secrets: ReceiverSecrets,
  deps: ReceiverDeps = {},
): Receiver {
  const client = createWecomClient({ ...clientDeps(cfg.timeoutMs, deps) });
  const opts: WecomRenderOptions = {
    msgType: cfg.msgType,
    locale: cfg.locale,
    timeZone: cfg.timeZone,
    mentions: cfg.mentions,
    rate: { perMinute: cfg.ratePerMinute },
    ...(cfg.template ? { template: cfg.template } : {}),
  };
  return {
    name: cfg.name,
    type: 'wecom',
    fixFor: fixForOf(WECOM_FIXES, cfg.name),
    ratePerMinute: cfg.ratePerMinute,
    robotKey: wecomRobotId(secrets.webhook),
    render: (digest: Digest): Notification => renderWecom(cfg.name, digest, opts),
    send(notification: Notification): Promise<DeliveryOutcome> {
      return sendOrPermanent(WecomError, async () =>
        classifiedOutcome(
          await client.send({ webhook: secrets.webhook, body: notification.body as unknown as WecomMessage }),
        ),
      );
    },
  };
}
