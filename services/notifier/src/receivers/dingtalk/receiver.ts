import { DingtalkError, createDingtalkClient } from '@kube-herald/dingtalk';
import type { DingtalkMessage, SendOutcome } from '@kube-herald/dingtalk';
import { errorCode } from '@kube-herald/errors';
import type { DeliveryOutcome, Digest, Notification, Receiver } from '../../model.js';
import { robotKeyOf } from '../../rate-gate.js';
import { fixForOf } from '../fixes.js';
import type { ReceiverDeps } from '../receiver-deps.js';
import type { ReceiverSecrets } from '../schema.js';
import { renderDingtalk } from './render/index.js';
import type { RenderOptions } from './render/index.js';
import type { DingtalkReceiverConfig } from './schema.js';
import { DINGTALK_FIXES } from './fixes.js';

function toOutcome(out: SendOutcome): DeliveryOutcome {
  // Only classified fields are copied: nothing that could carry the webhook or the secret.
  return {
    verdict: out.verdict,
    code: out.code,
    ...(out.errcode === undefined ? {} : { errcode: out.errcode }),
    ...(out.errmsg === undefined ? {} : { errmsg: out.errmsg }),
    ...(out.hint === undefined ? {} : { hint: out.hint }),
    ...(out.ambiguous === true ? { ambiguous: true } : {}),
    durationMs: out.durationMs,
  };
}

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
  const client = createDingtalkClient({
    timeoutMs: cfg.timeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.maxBodyBytes ? { maxBodyBytes: deps.maxBodyBytes } : {}),
  });
  const renderOptions: RenderOptions = {
    msgType: cfg.msgType,
    locale: cfg.locale,
    timeZone: cfg.timeZone,
    keywords: cfg.keywords,
    mentions: cfg.mentions,
    rate: { perMinute: cfg.ratePerMinute },
    ...(deps.maxBodyBytes ? { maxBodyBytes: deps.maxBodyBytes } : {}),
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
    async send(notification: Notification): Promise<DeliveryOutcome> {
      const started = Date.now();
      try {
        const out = await client.send({
          webhook: secrets.webhook,
          ...(secrets.secret ? { secret: secrets.secret } : {}),
          body: notification.body as unknown as DingtalkMessage,
        });
        return toOutcome(out);
      } catch (err) {
        // Caller mistakes (bad webhook, unserializable body): retrying cannot help. The client's errors
        // never carry the URL or secret; only their code is kept.
        if (!(err instanceof DingtalkError)) throw err;
        return { verdict: 'permanent', code: errorCode(err), durationMs: Date.now() - started };
      }
    },
  };
}
