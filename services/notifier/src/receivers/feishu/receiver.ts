import { FeishuError, createFeishuClient } from '@kube-herald/feishu';
import type { FeishuMessage } from '@kube-herald/feishu';
import type { DeliveryOutcome, Digest, Notification, Receiver } from '../../model.js';
import { robotKeyOf } from '../../rate-gate.js';
import { fixForOf } from '../fixes.js';
import { classifiedOutcome, sendOrPermanent } from '../outcome.js';
import { clientDeps, bodyLimitOf, type ReceiverDeps } from '../receiver-deps.js';
import type { ReceiverSecrets } from '../schema.js';
import { renderFeishu } from './render.js';
import type { FeishuRenderOptions } from './render.js';
import type { FeishuReceiverConfig } from './schema.js';
import { FEISHU_FIXES } from './fixes.js';

/**
 * The Feishu / Lark custom-bot receiver: renders with ./render (the neutral draft as a card, rich text or
 * text) and sends with the (optionally signed) @kube-herald/feishu client. It declares Feishu's two budgets,
 * per minute and per second, for the fleet-wide rate gate of its bot. Outcomes never contain the webhook.
 */
export function createFeishuReceiver(
  cfg: FeishuReceiverConfig,
  secrets: ReceiverSecrets,
  deps: ReceiverDeps = {},
): Receiver {
  const client = createFeishuClient({ ...clientDeps(cfg.timeoutMs, deps), ...bodyLimitOf(deps) });
  const renderOptions: FeishuRenderOptions = {
    msgType: cfg.msgType,
    locale: cfg.locale,
    timeZone: cfg.timeZone,
    keywords: cfg.keywords,
    mentions: cfg.mentions,
    rate: { perMinute: cfg.ratePerMinute, perSecond: cfg.ratePerSecond },
    ...bodyLimitOf(deps),
    ...(cfg.template ? { template: cfg.template } : {}),
  };
  return {
    name: cfg.name,
    type: 'feishu',
    fixFor: fixForOf(FEISHU_FIXES, cfg.name),
    ratePerMinute: cfg.ratePerMinute,
    ratePerSecond: cfg.ratePerSecond,
    robotKey: robotKeyOf(secrets.webhook),
    render: (digest: Digest): Notification => renderFeishu(cfg.name, digest, renderOptions),
    send(notification: Notification): Promise<DeliveryOutcome> {
      return sendOrPermanent(FeishuError, async () =>
        classifiedOutcome(
          await client.send({
            webhook: secrets.webhook,
            ...(secrets.secret ? { secret: secrets.secret } : {}),
            body: notification.body as unknown as FeishuMessage,
          }),
        ),
      );
    },
  };
}
