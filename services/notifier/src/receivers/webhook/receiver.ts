import { postJson, WebhookHttpError } from '@kube-herald/webhook-http';
import type { PostJsonResult } from '@kube-herald/webhook-http';
import type { DeliveryOutcome, Digest, Notification, Receiver } from '../../model.js';
import { robotKeyOf } from '../../rate-gate.js';
import { fixForOf } from '../fixes.js';
import type { ReceiverDeps } from '../receiver-deps.js';
import type { ReceiverSecrets } from '../schema.js';
import type { WebhookReceiverConfig } from './schema.js';
import { WEBHOOK_FIXES } from './fixes.js';

/** `schema` of the JSON a webhook receiver POSTs. */
export const WEBHOOK_BODY_SCHEMA = 'kube-herald.digest/v1';

function statusOutcome(status: number, durationMs: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { verdict: 'ok', code: 'ok', durationMs };
  if (status === 429) return { verdict: 'throttle', code: 'throttled', hint: 'HTTP 429', durationMs };
  if (status >= 500) return { verdict: 'retry', code: 'http_5xx', hint: `HTTP ${status}`, durationMs };
  return { verdict: 'permanent', code: 'http_status', hint: `HTTP ${status}`, durationMs };
}

function toOutcome(out: PostJsonResult): DeliveryOutcome {
  const { durationMs } = out;
  switch (out.kind) {
    case 'response':
      return statusOutcome(out.status, durationMs);
    case 'timeout':
      return { verdict: 'retry', code: 'timeout', ambiguous: true, durationMs };
    case 'network':
      return {
        verdict: 'retry',
        code: 'network_error',
        hint: out.code,
        ...(out.ambiguous ? { ambiguous: true } : {}),
        durationMs,
      };
    case 'too_large': // not reached: no body limit is set
      return {
        verdict: 'permanent',
        code: 'body_too_long',
        hint: `body is ${out.bodyBytes} bytes`,
        durationMs,
      };
  }
}

/**
 * A generic JSON webhook: POSTs `{schema, digest}`. 2xx ok, 429 throttle, 5xx / network / timeout
 * retry (a timeout or a connection lost after the request was written is `ambiguous`), any other status
 * permanent. Outcomes never contain the URL (it may carry a token).
 */
export function createWebhookReceiver(
  cfg: WebhookReceiverConfig,
  secrets: ReceiverSecrets,
  deps: ReceiverDeps = {},
): Receiver {
  const now = deps.now ?? Date.now;
  return {
    name: cfg.name,
    type: 'webhook',
    fixFor: fixForOf(WEBHOOK_FIXES, cfg.name),
    ratePerMinute: cfg.ratePerMinute,
    robotKey: robotKeyOf(secrets.webhook),
    render(digest: Digest): Notification {
      const body = { schema: WEBHOOK_BODY_SCHEMA, digest };
      return {
        receiver: cfg.name,
        body,
        bytes: Buffer.byteLength(JSON.stringify(body), 'utf8'),
        incidentKeys: digest.incidents.map((i) => i.incidentKey),
        occurrences: digest.totals.occurrences,
        truncated: 0,
      };
    },
    async send(notification: Notification): Promise<DeliveryOutcome> {
      const started = now();
      try {
        const out = await postJson({
          url: secrets.webhook,
          body: notification.body,
          timeoutMs: cfg.timeoutMs,
          ...(secrets.secret ? { headers: { authorization: `Bearer ${secrets.secret}` } } : {}),
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
          now,
        });
        return toOutcome(out);
      } catch (err) {
        // Caller mistakes (bad URL): retrying cannot help; the error never carries the URL.
        if (!(err instanceof WebhookHttpError)) throw err;
        return { verdict: 'permanent', code: err.code, durationMs: now() - started };
      }
    },
  };
}
