import { SlackError, createSlackClient, escapeMrkdwn } from '@kube-herald/slack';
import type { SendOutcome, SlackMessage } from '@kube-herald/slack';
import type { DeliveryOutcome, Digest, Notification, Receiver } from '../../model.js';
import { robotKeyOf } from '../../rate-gate.js';
import { fixForOf } from '../fixes.js';
import { sendOrPermanent } from '../outcome.js';
import { clientDeps, bodyLimitOf, type ReceiverDeps } from '../receiver-deps.js';
import type { ReceiverSecrets } from '../schema.js';
import { renderSlack } from './render/index.js';
import type { SlackRenderOptions } from './render/index.js';
import type { SlackReceiverConfig } from './schema.js';
import { SLACK_FIXES } from './fixes.js';

/** Slack allows about one message per second per incoming webhook. */
export const SLACK_RATE_PER_SECOND = 1;

function toOutcome(out: SendOutcome): DeliveryOutcome {
  // Only classified fields are copied: nothing that could carry the webhook.
  return {
    verdict: out.verdict,
    code: out.code,
    ...(out.httpStatus === undefined ? {} : { errcode: out.httpStatus }),
    ...(out.error === undefined ? {} : { errmsg: out.error }),
    ...(out.hint === undefined ? {} : { hint: out.hint }),
    ...(out.ambiguous === true ? { ambiguous: true } : {}),
    // a 429's Retry-After: the gate blocks the webhook fleet-wide at least this long
    ...(out.retryAfterMs === undefined ? {} : { retryAfterMs: out.retryAfterMs }),
    durationMs: out.durationMs,
  };
}

/**
 * The Slack incoming-webhook receiver: renders with ./render (the neutral draft as Block Kit or mrkdwn,
 * escaped, mentions from configuration, within Slack's limits) and sends with @kube-herald/slack. Its
 * gate budget is `ratePerMinute` and 1 per second, fleet-wide per webhook. Outcomes never contain the
 * webhook (the whole URL is the secret).
 */
export function createSlackReceiver(
  cfg: SlackReceiverConfig,
  secrets: ReceiverSecrets,
  deps: ReceiverDeps = {},
): Receiver {
  const client = createSlackClient({ ...clientDeps(cfg.timeoutMs, deps) });
  const renderOptions: SlackRenderOptions = {
    format: cfg.format,
    locale: cfg.locale,
    timeZone: cfg.timeZone,
    mentions: cfg.mentions,
    footer: `kube-herald · ${escapeMrkdwn(cfg.name)}`,
    rate: { perMinute: cfg.ratePerMinute, perSecond: SLACK_RATE_PER_SECOND },
    ...bodyLimitOf(deps),
    ...(cfg.template ? { template: cfg.template } : {}),
  };
  return {
    name: cfg.name,
    type: 'slack',
    fixFor: fixForOf(SLACK_FIXES, cfg.name),
    ratePerMinute: cfg.ratePerMinute,
    ratePerSecond: SLACK_RATE_PER_SECOND,
    robotKey: robotKeyOf(secrets.webhook),
    render: (digest: Digest): Notification => renderSlack(cfg.name, digest, renderOptions),
    send(notification: Notification): Promise<DeliveryOutcome> {
      const body = notification.body as unknown as SlackMessage;
      return sendOrPermanent(SlackError, async () =>
        toOutcome(await client.send({ webhook: secrets.webhook, body })),
      );
    },
  };
}
