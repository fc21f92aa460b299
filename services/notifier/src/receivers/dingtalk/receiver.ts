import { DingtalkError, createDingtalkClient } from '@kube-herald/dingtalk';
import type { DingtalkMessage } from '@kube-herald/dingtalk';
import type { DeliveryOutcome, Digest, Notification, Receiver } from '../../model.js';
import { robotKeyOf } from '../../rate-gate.js';
import { fixForOf } from '../fixes.js';
import { classifiedOutcome, sendOrPermanent } from '../outcome.js';
import { clientDeps, bodyLimitOf, type ReceiverDeps } from '../receiver-deps.js';
import type { ReceiverSecrets } from '../schema.js';
import { renderDingtalk } from './render/index.js';
import type { RenderOptions } from './render/index.js';
import type { DingtalkReceiverConfig } from './schema.js';
import { DINGTALK_FIXES } from './fixes.js';

/**
 * The DingTalk custom-robot receiver: renders with ./render (the neutral draft of render/ as DingTalk
 * markdown/text/actionCard, mentions, keywords, size limit)
 * and sends with the signed @kube-herald/dingtalk client. Outcomes never contain the webhook or secret.
 */
export function createDingtalkReceiver(
  cfg: DingtalkReceiverConfig,
  secrets: ReceiverSecrets,
  deps: ReceiverDeps = {},
): Receiver {
  const client = createDingtalkClient({ ...clientDeps(cfg.timeoutMs, deps), ...bodyLimitOf(deps) });
  const renderOptions: RenderOptions = {
    msgType: cfg.msgType,
    locale: cfg.locale,
    timeZone: cfg.timeZone,
    keywords: cfg.keywords,
    mentions: cfg.mentions,
    rate: { perMinute: cfg.ratePerMinute },
    ...bodyLimitOf(deps),
    ...(cfg.template ? { template: cfg.template } : {}),
    ...(cfg.actionCard ? { actionCard: cfg.actionCard } : {}),
  };
  return {
    name: cfg.name,
    type: 'dingtalk',
    fixFor: fixForOf(DINGTALK_FIXES, cfg.name),
    ratePerMinute: cfg.ratePerMinute,
    robotKey: robotKeyOf(secrets.webhook),
    render: (digest: Digest): Notification => renderDingtalk(cfg.name, digest, renderOptions),
    send(notification: Notification): Promise<DeliveryOutcome> {
      return sendOrPermanent(DingtalkError, async () =>
        classifiedOutcome(
          await client.send({
            webhook: secrets.webhook,
            ...(secrets.secret ? { secret: secrets.secret } : {}),
            body: notification.body as unknown as DingtalkMessage,
          }),
        ),
      );
    },
  };
}
