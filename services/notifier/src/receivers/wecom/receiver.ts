import { errorCode } from '@kube-herald/errors';
import { WecomError, createWecomClient, wecomRobotId } from '@kube-herald/wecom';
import type { SendOutcome, WecomMessage } from '@kube-herald/wecom';
import type { DeliveryOutcome, Digest, Notification, Receiver } from '../../model.js';
import { fixForOf } from '../fixes.js';
import type { ReceiverDeps } from '../receiver-deps.js';
import type { ReceiverSecrets } from '../schema.js';
import { renderWecom } from './render/index.js';
import type { WecomRenderOptions } from './render/index.js';
import type { WecomReceiverConfig } from './schema.js';
import { WECOM_FIXES } from './fixes.js';

function toOutcome(out: SendOutcome): DeliveryOutcome {
  // Only classified fields are copied: nothing that could carry the webhook or its key.
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
 * The WeCom group-robot receiver: renders with ./render (the neutral draft as WeCom markdown or text,
 * mentions, byte limits) and sends with @kube-herald/wecom. Its rate-gate key is a hash of the robot's
 * `key` (every WeCom robot shares one path). Outcomes never contain the webhook or key.
 */
export function createWecomReceiver(
  cfg: WecomReceiverConfig,
  secrets: ReceiverSecrets,
  deps: ReceiverDeps = {},
): Receiver {
  const client = createWecomClient({
    timeoutMs: cfg.timeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
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
    async send(notification: Notification): Promise<DeliveryOutcome> {
      const started = Date.now();
      try {
        return toOutcome(
          await client.send({ webhook: secrets.webhook, body: notification.body as unknown as WecomMessage }),
        );
      } catch (err) {
        // Caller mistakes (bad webhook, unserializable body): retrying cannot help. The client's errors
        // never carry the URL or key; only their code is kept.
        if (!(err instanceof WecomError)) throw err;
        return { verdict: 'permanent', code: errorCode(err), durationMs: Date.now() - started };
      }
    },
  };
}
