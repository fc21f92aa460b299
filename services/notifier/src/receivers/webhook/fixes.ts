import type { DeliveryOutcome } from '../../model.js';
import type { FixTable } from '../fixes.js';

function statusOf(outcome: DeliveryOutcome): number | undefined {
  const m = /^HTTP (\d{3})$/.exec(outcome.hint ?? '');
  return m ? Number(m[1]) : undefined;
}

function statusFix(r: string, outcome: DeliveryOutcome): string {
  const status = statusOf(outcome);
  if (status === 401 || status === 403)
    return `the endpoint refused the credentials: receivers[${r}].secret/secretFile is sent as "Authorization: Bearer <secret>"; set it to the endpoint's token`;
  if (status === 404 || status === 405 || status === 410)
    return `the endpoint has no such path (or no POST there): check the URL of receivers[${r}].webhook`;
  if (status === 413)
    return 'the endpoint refused the body size: raise its limit, or lower delivery.maxBodyBytes';
  return `the endpoint answered HTTP ${status ?? '4xx'}: check receivers[${r}].webhook and the endpoint's logs`;
}

/** The generic JSON webhook: the HTTP status is the whole answer. */
export const WEBHOOK_FIXES: FixTable = {
  http_status: statusFix,
  http_5xx: () => "the endpoint failed (5xx): check the endpoint's logs; the notifier retries these",
  throttled: (r) => `the endpoint answered 429: lower receivers[${r}].ratePerMinute to the endpoint's limit`,
  network_error: (r) =>
    `no connection to the endpoint: check the host and port of receivers[${r}].webhook and the network path`,
};
