import type { DeliveryOutcome, Digest, Notification, Receiver } from '../model.js';
import type { ReceiverConfig, ReceiverSecrets } from './receiver-schema.js';
import type { ReceiverDeps } from './receiver-deps.js';
import { robotKeyOf } from '../rate-gate.js';

/** `schema` of the JSON a webhook receiver POSTs. */
export const WEBHOOK_BODY_SCHEMA = 'kube-herald.digest/v1';

function statusOutcome(status: number, durationMs: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { verdict: 'ok', code: 'ok', durationMs };
  if (status === 429) return { verdict: 'throttle', code: 'throttled', hint: 'HTTP 429', durationMs };
  if (status >= 500) return { verdict: 'retry', code: 'http_5xx', hint: `HTTP ${status}`, durationMs };
  return { verdict: 'permanent', code: 'http_status', hint: `HTTP ${status}`, durationMs };
}

function networkCode(err: unknown): string {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    const code = (cur as Error & { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code;
    cur = cur.cause;
  }
  return 'fetch_failed';
}

/**
 * A generic JSON webhook: POSTs `{schema, digest}`. 2xx ok, 429 throttle, 5xx / network / timeout
 * retry, any other status permanent. Outcomes never contain the URL (it may carry a token).
 */
export function createWebhookReceiver(
  cfg: ReceiverConfig,
  secrets: ReceiverSecrets,
  deps: ReceiverDeps = {},
): Receiver {
  const doFetch = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? Date.now;
  return {
    name: cfg.name,
    type: 'webhook',
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
      const signal = AbortSignal.timeout(cfg.timeoutMs);
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (secrets.secret) headers.authorization = `Bearer ${secrets.secret}`;
        const res = await doFetch(secrets.webhook, {
          method: 'POST',
          headers,
          body: JSON.stringify(notification.body),
          signal,
          redirect: 'manual',
        });
        await res.arrayBuffer(); // drain, so the connection can be reused
        return statusOutcome(res.status, now() - started);
      } catch (err) {
        const durationMs = now() - started;
        if (signal.aborted) return { verdict: 'retry', code: 'timeout', durationMs };
        return { verdict: 'retry', code: 'network_error', hint: networkCode(err), durationMs };
      }
    },
  };
}
